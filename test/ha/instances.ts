/**
 * gatehouse instances on a Redis high-availability topology, and the cases every topology must pass: what one
 * instance does every other sees, every store script runs (so none is CROSSSLOT on a Cluster), and the exported
 * plugin's revocation view connects with the same settings.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import type { Test } from 'tap'
import gatehouseAuth, { type GatehouseAuthOptions } from '@gatehouse-auth/fastify'
import { build } from '../helper.js'
import { testPrefix } from '../support/redis-server.js'
import { bearer, createUser, loginWithTokens, PASSWORD, type TestApp } from '../support/auth.js'
import { registerClient, serviceToken } from '../support/clients.js'
import { within } from '../support/poll.js'
import { gatehouseCli } from '../support/cli.js'

export type Topology = Record<string, string>

/** Two instances on one prefix of the topology `env` names (REDIS_SENTINELS or REDIS_CLUSTER_NODES). */
export async function twoInstances (t: Test, env: Topology, extra: Record<string, string> = {}) {
  const location = { dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-data-')), redisUrl: '', prefix: testPrefix() }
  // 'embedded' only keeps REDIS_URL out of the environment: the topology's own variable selects Redis mode.
  const a = await build(t, { mode: 'embedded', location, env: { ...env, ...extra } })
  const b = await build(t, { mode: 'embedded', location, env: { ...env, ...extra } })
  t.equal(a.store.mode, 'redis', 'the topology variable selects Redis mode')
  return { a, b, prefix: location.prefix, location }
}

export const me = async (app: TestApp, token: string) => await app.inject({ url: '/auth/me', headers: bearer(token) })
export const logout = async (app: TestApp, token: string) => await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(token) })

/** Login, refresh, logout, logout-all, admin changes, clients, keys and shared login limits, across two instances. */
export async function everyFeatureAcrossInstances (t: Test, env: Topology): Promise<void> {
  const { a, b, location } = await twoInstances(t, env, { LOGIN_MAX_FAILURES_PER_USERNAME: '3', REFRESH_REUSE_GRACE: '0' })
  await createUser(a, 'root', ['admin'])
  const admin = await loginWithTokens(a, 'root')

  // users: create, update (the last-admin guard reads other users in the script), delete
  const created = await b.inject({ method: 'POST', url: '/admin/users', headers: bearer(admin.accessToken), payload: { username: 'alice', password: PASSWORD, roles: ['user'] } })
  t.equal(created.statusCode, 201, 'an admin creates a user on B')
  const demote = await a.inject({ method: 'PATCH', url: `/admin/users/${admin.userId}`, headers: bearer(admin.accessToken), payload: { roles: ['user'] } })
  t.equal(demote.json().code, 'LAST_ADMIN', 'the last-admin guard runs')

  // login on A, used on B; refresh on B; the old refresh token reused on A revokes the session everywhere
  const alice = await loginWithTokens(a, 'alice')
  t.equal((await me(b, alice.accessToken)).statusCode, 200, 'a token from A works on B')
  const rotated = (await b.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: alice.refreshToken } })).json()
  t.type(rotated.access_token, 'string', 'refreshed on B')
  t.equal((await a.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: alice.refreshToken } })).json().code, 'AUTH_TOKEN_REVOKED', 'reuse is caught on A')
  t.ok(await within(100, async () => (await me(b, rotated.access_token)).statusCode === 401) >= 0, 'and the rotated session is refused on B within 100 ms')

  // logout on A is refused on B within 100 ms; logout-all on B signs out every session on A
  const one = await loginWithTokens(a, 'alice')
  t.equal((await logout(a, one.accessToken)).statusCode, 204)
  const took = await within(100, async () => (await me(b, one.accessToken)).statusCode === 401)
  t.ok(took >= 0, `a logout on A is refused on B ${took} ms later`)
  const sessions = [await loginWithTokens(a, 'alice'), await loginWithTokens(b, 'alice')]
  t.equal((await b.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(sessions[0]?.accessToken ?? '') })).statusCode, 204)
  for (const session of sessions) t.ok(await within(100, async () => (await me(a, session.accessToken)).statusCode === 401) >= 0, 'logout-all reaches A')

  // service clients and key rotation
  const client = await registerClient(a, admin.accessToken, 'orders', ['orders:read'])
  t.equal((await me(b, await serviceToken(b, client, 'orders:read'))).statusCode, 200, 'a client registered on A gets tokens on B')
  t.equal((await a.inject({ method: 'DELETE', url: `/admin/clients/${client.client_id}`, headers: bearer(admin.accessToken) })).statusCode, 204)
  t.equal((await b.inject({ method: 'POST', url: '/admin/keys/rotate', headers: bearer(admin.accessToken) })).statusCode, 200, 'keys rotate on B')
  t.ok(await within(2000, async () => (await me(a, (await loginWithTokens(b, 'alice')).accessToken)).statusCode === 200) >= 0, 'A verifies tokens of the new key')
  t.equal((await a.inject({ method: 'DELETE', url: `/admin/users/${created.json().id as string}`, headers: bearer(admin.accessToken) })).statusCode, 204, 'a user is deleted')

  // the operator CLI, with the same variables
  const cli = await gatehouseCli('embedded', location, ['users', 'add', 'nina', '--role', 'user'], `${PASSWORD}\n`, env)
  t.equal(cli.code, 0, `the CLI adds a user through the topology (${cli.stderr.trim()})`)
  t.match(cli.stderr, /store: Redis/)
  t.equal((await b.inject({ method: 'POST', url: '/auth/login', payload: { username: 'nina', password: PASSWORD } })).statusCode, 200, 'who signs in on B')

  // the login limit is shared
  await createUser(a, 'erin')
  for (const app of [a, b, a]) await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'erin', password: 'wrong password' } })
  t.equal((await b.inject({ method: 'POST', url: '/auth/login', payload: { username: 'erin', password: PASSWORD } })).statusCode, 429, 'failures on A and B count together')
}

/** A service's own Fastify with the exported plugin, its `redis` option given the topology's settings. */
export async function verifierService (t: Test, gatehouse: TestApp, redis: GatehouseAuthOptions['redis'], prefix: string) {
  const jwks = (await gatehouse.inject('/.well-known/jwks.json')).json() as { keys: Array<{ kty: string }> }
  const service = Fastify()
  await service.register(gatehouseAuth, { publicKey: jwks.keys[0] as { kty: string }, issuer: gatehouse.config.JWT_ISSUER, audience: gatehouse.config.JWT_AUDIENCE, redis, redisPrefix: prefix })
  service.get('/orders', { config: { auth: {} } }, async () => ({ orders: [] }))
  t.teardown(async () => await service.close())
  await service.ready()
  return service
}

/** The exported plugin sees revocations gatehouse makes, through the topology, within 100 ms. */
export async function pluginSeesRevocations (t: Test, env: Topology, redis: GatehouseAuthOptions['redis']): Promise<void> {
  const { a, prefix } = await twoInstances(t, env)
  await createUser(a, 'gina')
  const session = await loginWithTokens(a, 'gina')
  const service = await verifierService(t, a, redis, prefix)
  const orders = async () => (await service.inject({ url: '/orders', headers: bearer(session.accessToken) })).statusCode
  t.equal(await orders(), 200, 'the service accepts the token')
  await logout(a, session.accessToken)
  const took = await within(100, async () => await orders() === 401)
  t.ok(took >= 0, `and refuses it ${took} ms after the logout`)
}
