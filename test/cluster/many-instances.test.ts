/**
 * Several instances on one Redis: each with its own connections, as separate processes would have. What one
 * instance does, every other sees at once; when Redis goes away they refuse, and they recover by themselves.
 */
import { test } from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, type Mode } from '../helper.js'
import { startRedisServer, testPrefix, deletePrefix, type PrivateRedis } from '../support/redis-server.js'
import { bearer, createUser, loginWithTokens, PASSWORD, type TestApp } from '../support/auth.js'
import type { Teardown } from '../support/stores.js'
import { within } from '../support/poll.js'

const mode: Mode = 'redis'

async function twoInstances (t: Teardown, redis: PrivateRedis, env: Record<string, string> = {}) {
  const location = { dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-data-')), redisUrl: redis.url, prefix: testPrefix() }
  t.teardown(async () => await deletePrefix(redis.url, location.prefix).catch(() => {}))
  const a = await build(t, { mode, location, env })
  const b = await build(t, { mode, location, env })
  return { a, b }
}

const me = async (app: TestApp, token: string) => await app.inject({ url: '/auth/me', headers: bearer(token) })

test('a token from A works on B, and a logout on A is refused on B within 100 ms', async (t) => {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const { a, b } = await twoInstances(t, redis)
  await createUser(a, 'alice')
  const session = await loginWithTokens(a, 'alice')
  t.equal((await me(b, session.accessToken)).statusCode, 200)
  t.equal((await a.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })).statusCode, 204)
  const took = await within(100, async () => (await me(b, session.accessToken)).statusCode === 401)
  t.ok(took >= 0, `refused on B ${took} ms after the logout on A`)
  t.equal((await me(b, session.accessToken)).json().code, 'AUTH_TOKEN_REVOKED')
})

test('a refresh on B, then the old token reused on A past the grace, revokes the session everywhere', async (t) => {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const { a, b } = await twoInstances(t, redis, { REFRESH_REUSE_GRACE: '0' })
  await createUser(a, 'bob')
  const session = await loginWithTokens(a, 'bob')
  const rotated = (await b.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })).json()
  const reuse = await a.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })
  t.equal(reuse.statusCode, 401)
  for (const app of [a, b]) {
    t.ok(await within(100, async () => (await me(app, rotated.access_token)).statusCode === 401) >= 0, 'the rotated access token is refused')
  }
  t.equal((await b.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: rotated.refresh_token } })).statusCode, 401)
})

test('logout-all and an admin disabling a user on one instance reach the other', async (t) => {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const { a, b } = await twoInstances(t, redis)
  await createUser(a, 'root', ['admin'])
  await createUser(a, 'carol')
  await createUser(a, 'dave')
  const admin = await loginWithTokens(a, 'root')
  const carol = [await loginWithTokens(a, 'carol'), await loginWithTokens(b, 'carol')]
  const dave = await loginWithTokens(b, 'dave')
  await b.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(carol[0]?.accessToken ?? '') })
  for (const session of carol) t.ok(await within(100, async () => (await me(a, session.accessToken)).statusCode === 401) >= 0, 'carol is signed out on A')
  const disabled = await a.inject({ method: 'PATCH', url: `/admin/users/${dave.userId}`, headers: bearer(admin.accessToken), payload: { disabled: true } })
  t.equal(disabled.statusCode, 200)
  t.ok(await within(100, async () => (await me(b, dave.accessToken)).statusCode === 401) >= 0, 'dave is refused on B')
  t.equal((await b.inject({ method: 'POST', url: '/auth/login', payload: { username: 'dave', password: PASSWORD } })).statusCode, 401, 'and cannot sign in there')
})

test('the login rate limit is shared', async (t) => {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const { a, b } = await twoInstances(t, redis, { LOGIN_MAX_FAILURES_PER_USERNAME: '3' })
  await createUser(a, 'erin')
  for (const app of [a, b, a]) await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'erin', password: 'wrong password' } })
  const blocked = await b.inject({ method: 'POST', url: '/auth/login', payload: { username: 'erin', password: PASSWORD } })
  t.equal(blocked.statusCode, 429)
  t.equal(blocked.json().code, 'RATE_LIMITED')
})

test('when Redis goes away both instances refuse (503, never 200 for a revoked token) and recover when it returns', async (t) => {
  const redis = await startRedisServer({ persistent: true })
  t.teardown(async () => await redis.stop())
  const { a, b } = await twoInstances(t, redis)
  await createUser(a, 'fay')
  const revoked = await loginWithTokens(a, 'fay')
  const live = await loginWithTokens(b, 'fay')
  await a.inject({ method: 'POST', url: '/auth/logout', headers: bearer(revoked.accessToken) })

  await redis.stop()
  for (const app of [a, b]) {
    t.ok(await within(2000, async () => (await me(app, live.accessToken)).statusCode === 503) >= 0, 'a live token is refused: the view may be stale')
    const stale = await me(app, revoked.accessToken)
    t.equal(stale.statusCode, 503, 'a revoked token is never let through')
    t.equal(stale.json().code, 'SERVICE_UNAVAILABLE')
    t.equal((await app.inject('/health/ready')).statusCode, 503)
    t.equal((await app.inject('/health/live')).statusCode, 200)
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'fay', password: PASSWORD } })).statusCode, 503)
  }

  await redis.start()
  for (const app of [a, b]) {
    t.ok(await within(10_000, async () => (await me(app, live.accessToken)).statusCode === 200) >= 0, 'serving again without a restart')
    t.equal((await me(app, revoked.accessToken)).json().code, 'AUTH_TOKEN_REVOKED', 'Redis kept the revocation')
    t.equal((await app.inject('/health/ready')).statusCode, 200)
  }
})
