/**
 * Personal API keys: created from a fresh password sign-in with a subset of the user's roles, shown once and
 * stored as a hash, accepted as the user wherever an access token is (gatehouse's routes, /auth/verify,
 * introspection, the exported plugin) with no store round trip, and revoked at once, alone or with the user's
 * other credentials.
 */
import { test } from 'tap'
import { createHash } from 'node:crypto'
import Fastify from 'fastify'
import gatehouseAuth from '@gatehouse-auth/fastify'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithTokens, PASSWORD, signedInUser, type TestApp } from '../../support/auth.js'
import { basicAuth, registerClient } from '../../support/clients.js'
import { decodeClaims } from '../../support/tokens.js'
import { within } from '../../support/poll.js'
import { testLocation } from '../../support/stores.js'

const DAY = 86400

async function createKey (app: TestApp, token: string, body: Record<string, unknown> = { name: 'ci' }) {
  return await app.inject({ method: 'POST', url: '/auth/api-keys', headers: bearer(token), payload: body })
}

async function newKey (app: TestApp, token: string, body: Record<string, unknown> = { name: 'ci' }): Promise<{ id: string, api_key: string, roles: string[], expires_at: string }> {
  const res = await createKey(app, token, body)
  if (res.statusCode !== 201) throw new Error(`API key creation failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

for (const mode of MODES) {
  test(`${mode}: a key is shown once, stored as a hash, and acts as its user with all their roles by default`, async (t) => {
    const app = await build(t, { mode })
    const alice = await signedInUser(app, 'alice', ['admin', 'reports'])
    const res = await createKey(app, alice.accessToken, { name: 'nightly export' })
    t.equal(res.statusCode, 201)
    t.equal(res.headers['cache-control'], 'no-store')
    const key = res.json()
    t.match(key.api_key, /^ghk_[\w-]+\.[\w-]+\.[\w-]+$/, 'ghk_ then a signed token: secret scanners can match it')
    t.same(key.roles.sort(), ['admin', 'reports'])
    t.equal(key.name, 'nightly export')
    t.ok(Math.abs(Date.parse(key.expires_at) - (Date.now() + 90 * DAY * 1000)) < 60_000, '90 days by default')

    const me = await app.inject({ url: '/auth/me', headers: bearer(key.api_key) })
    t.equal(me.statusCode, 200)
    t.match(me.json(), { id: alice.userId, username: 'alice' })
    t.equal((await app.inject({ url: '/examples/admin-panel', headers: bearer(key.api_key) })).statusCode, 200, 'with the admin role')

    const stored = await app.store.apiKeys.find(key.id)
    t.equal(stored?.keyHash, createHash('sha256').update(key.api_key).digest('hex'), 'the store keeps its hash')
    t.notOk(JSON.stringify(stored).includes(key.api_key.split('.')[2] ?? 'none'), 'and not the key')
    const listed = await app.inject({ url: '/auth/api-keys', headers: bearer(alice.accessToken) })
    t.same(listed.json().api_keys.map((item: { id: string }) => item.id), [key.id])
    t.notOk(listed.body.includes(key.api_key.split('.')[2] ?? 'none'), 'the list never shows the key')
  })

  test(`${mode}: a key holds only the roles it was given, a subset of its user's`, async (t) => {
    const app = await build(t, { mode })
    const bob = await signedInUser(app, 'bob', ['admin', 'reports'])
    const reports = await newKey(app, bob.accessToken, { name: 'reports only', roles: ['reports'] })
    t.same(reports.roles, ['reports'])
    t.equal((await app.inject({ url: '/examples/admin-panel', headers: bearer(reports.api_key) })).statusCode, 403, 'not admin')
    t.equal((await app.inject({ url: '/examples/dashboard', headers: bearer(reports.api_key) })).statusCode, 200)
    const none = await newKey(app, bob.accessToken, { name: 'no roles', roles: [] })
    t.same(none.roles, [], 'an empty subset is allowed')
    const beyond = await createKey(app, bob.accessToken, { name: 'escalate', roles: ['reports', 'superuser'] })
    t.equal(beyond.statusCode, 403)
    t.equal(beyond.json().code, 'AUTH_FORBIDDEN')
    t.match(beyond.json().message, /superuser/)
    t.equal((await app.inject({ url: '/auth/api-keys', headers: bearer(bob.accessToken) })).json().api_keys.length, 2, 'and creates nothing')
  })

  test(`${mode}: only a fresh password sign-in creates keys; a key never makes another or changes the password`, async (t) => {
    const app = await build(t, { mode })
    const carol = await signedInUser(app, 'carol', ['reports'])
    const key = await newKey(app, carol.accessToken)
    const fromKey = await createKey(app, key.api_key)
    t.equal(fromKey.statusCode, 401)
    t.equal(fromKey.json().code, 'AUTH_FRESH_REQUIRED', 'an API key cannot create another')
    const refreshed = (await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: carol.refreshToken } })).json()
    t.equal((await createKey(app, refreshed.access_token)).json().code, 'AUTH_FRESH_REQUIRED', 'nor a refreshed token')
    const password = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(key.api_key), payload: { current_password: PASSWORD, new_password: 'an entirely new passphrase' } })
    t.equal(password.json().code, 'AUTH_FRESH_REQUIRED', 'a key never changes the password')
    t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: key.api_key } })).statusCode, 401, 'nor passes for a refresh token')
    const admin = await signedInUser(app, 'root', ['admin'])
    const client = await registerClient(app, admin.accessToken, 'svc')
    const token = await app.inject({ method: 'POST', url: '/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicAuth(client.client_id, client.client_secret) }, payload: 'grant_type=client_credentials' })
    t.equal((await createKey(app, token.json().access_token)).statusCode, 401, 'nor a service token')
  })

  test(`${mode}: bad requests are 400 and create nothing`, async (t) => {
    const app = await build(t, { mode })
    const dave = await signedInUser(app, 'dave')
    for (const body of [{}, { name: '' }, { name: 'x', expires_in: 366 * DAY }, { name: 'x', expires_in: 10 }, { name: 'x', roles: ['a', 'a'] }, { name: 'x', scope: 'all' }]) {
      const res = await createKey(app, dave.accessToken, body)
      t.equal(res.statusCode, 400, JSON.stringify(body))
    }
    const short = await newKey(app, dave.accessToken, { name: 'short', expires_in: 120 })
    t.ok(Math.abs(Date.parse(short.expires_at) - (Date.now() + 120_000)) < 5000, 'expires_in is honoured')
    t.equal(decodeClaims(short.api_key.slice(4)).payload.exp, Math.floor(Date.parse(short.expires_at) / 1000), 'and is the key\'s exp')
    t.equal((await app.inject({ url: '/auth/api-keys', headers: bearer(dave.accessToken) })).json().api_keys.length, 1)
  })

  test(`${mode}: revoking a key refuses it at once; another user's key is 404`, async (t) => {
    const app = await build(t, { mode })
    const erin = await signedInUser(app, 'erin')
    const fay = await signedInUser(app, 'fay')
    const key = await newKey(app, erin.accessToken)
    const faysKey = await newKey(app, fay.accessToken)
    t.equal((await app.inject({ method: 'DELETE', url: `/auth/api-keys/${faysKey.id}`, headers: bearer(erin.accessToken) })).statusCode, 404, 'another user\'s key')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(faysKey.api_key) })).statusCode, 200, 'which still works')
    t.equal((await app.inject({ method: 'DELETE', url: `/auth/api-keys/${key.id}`, headers: bearer(erin.accessToken) })).statusCode, 204)
    const refused = await app.inject({ url: '/auth/me', headers: bearer(key.api_key) })
    t.equal(refused.statusCode, 401)
    t.equal(refused.json().code, 'AUTH_TOKEN_REVOKED')
    t.same((await app.inject({ url: '/auth/api-keys', headers: bearer(erin.accessToken) })).json().api_keys, [])
    t.equal((await app.inject({ method: 'DELETE', url: `/auth/api-keys/${key.id}`, headers: bearer(erin.accessToken) })).statusCode, 404, 'twice: 404')
  })

  test(`${mode}: a new password, other roles or disabling the user revokes their keys`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const gus = await signedInUser(app, 'gus', ['reports'])
    const byRoles = await newKey(app, gus.accessToken)
    await app.inject({ method: 'PATCH', url: `/admin/users/${gus.userId}`, headers: bearer(admin.accessToken), payload: { roles: ['reports', 'billing'] } })
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(byRoles.api_key) })).json().code, 'AUTH_TOKEN_REVOKED', 'other roles')

    const fresh = await loginWithTokens(app, 'gus')
    const byPassword = await newKey(app, fresh.accessToken)
    const changed = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(fresh.accessToken), payload: { current_password: PASSWORD, new_password: 'an entirely new passphrase' } })
    t.equal(changed.statusCode, 204)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(byPassword.api_key) })).json().code, 'AUTH_TOKEN_REVOKED', 'a new password')

    const again = await newKey(app, fresh.accessToken)
    await app.inject({ method: 'PATCH', url: `/admin/users/${gus.userId}`, headers: bearer(admin.accessToken), payload: { disabled: true } })
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(again.api_key) })).json().code, 'AUTH_TOKEN_REVOKED', 'disabling')

    const nina = await signedInUser(app, 'nina')
    const doomed = await newKey(app, nina.accessToken)
    t.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${nina.userId}`, headers: bearer(admin.accessToken) })).statusCode, 204)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(doomed.api_key) })).json().code, 'AUTH_TOKEN_REVOKED', 'deleting the user')
  })

  test(`${mode}: admins list and revoke a user's keys`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const hana = await signedInUser(app, 'hana')
    const key = await newKey(app, hana.accessToken)
    const listed = await app.inject({ url: `/admin/users/${hana.userId}/api-keys`, headers: bearer(admin.accessToken) })
    t.same(listed.json().api_keys.map((item: { id: string }) => item.id), [key.id])
    t.equal((await app.inject({ url: `/admin/users/${hana.userId}/api-keys`, headers: bearer(hana.accessToken) })).statusCode, 403, 'not for non-admins')
    t.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${hana.userId}/api-keys/${key.id}`, headers: bearer(admin.accessToken) })).statusCode, 204)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(key.api_key) })).json().code, 'AUTH_TOKEN_REVOKED')
  })

  test(`${mode}: a key outlives key rotations: the key that signed it stays in the ring while it lives`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const key = await newKey(app, admin.accessToken, { name: 'long', expires_in: 300 * DAY })
    const signedBy = String(decodeClaims(key.api_key.slice(4)).header.kid)
    for (let i = 0; i < 2; i++) t.equal((await app.inject({ method: 'POST', url: '/admin/keys/rotate', headers: bearer(admin.accessToken) })).statusCode, 200)
    const retired = (await app.store.signingKeys.list()).find((record) => record.kid === signedBy)
    t.ok((retired?.expiresAt ?? 0) >= Date.parse(key.expires_at) / 1000, 'the retired key is kept until the API key expires, not only REFRESH_TOKEN_TTL')
    t.ok((await app.inject('/.well-known/jwks.json')).json().keys.some((jwk: { kid: string }) => jwk.kid === signedBy), 'and published')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(key.api_key) })).statusCode, 200, 'the key still works after two rotations')
  })

  test(`${mode}: security events: a key created, used for the first time (once), revoked`, async (t) => {
    const app = await build(t, { mode })
    const events: string[] = []
    app.onSecurityEvent((event) => events.push(event))
    const lou = await signedInUser(app, 'lou')
    const key = await newKey(app, lou.accessToken)
    t.ok(events.includes('api_key.created'))
    t.notOk(events.includes('api_key.first_used'), 'not used yet')
    for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/auth/me', headers: bearer(key.api_key) })).statusCode, 200)
    t.ok(await within(1000, () => events.includes('api_key.first_used')) >= 0, 'its first use')
    const second = await build(t, { mode, location: app.location })
    second.onSecurityEvent((event) => events.push(event))
    t.equal((await second.inject({ url: '/auth/me', headers: bearer(key.api_key) })).statusCode, 200, 'a second instance')
    await second.inject({ url: '/auth/me', headers: bearer(key.api_key) })
    await new Promise((resolve) => setTimeout(resolve, 100))
    t.equal(events.filter((event) => event === 'api_key.first_used').length, 1, 'once, even across instances')
    await app.inject({ method: 'DELETE', url: `/auth/api-keys/${key.id}`, headers: bearer(lou.accessToken) })
    t.ok(events.includes('api_key.revoked'))
  })

  test(`${mode}: RFC 7009: a client holding gatehouse:revoke revokes a key; the list no longer shows it`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const max = await signedInUser(app, 'max')
    const key = await newKey(app, max.accessToken)
    const auditor = await registerClient(app, admin.accessToken, 'auditor', ['gatehouse:revoke'])
    const revoked = await app.inject({ method: 'POST', url: '/auth/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicAuth(auditor.client_id, auditor.client_secret) }, payload: new URLSearchParams({ token: key.api_key }).toString() })
    t.equal(revoked.statusCode, 200)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(key.api_key) })).json().code, 'AUTH_TOKEN_REVOKED')
    t.same((await app.inject({ url: '/auth/api-keys', headers: bearer(max.accessToken) })).json().api_keys, [], 'not listed as if alive')
  })

  test(`${mode}: the prefix and the token type go together`, async (t) => {
    const app = await build(t, { mode })
    const ivy = await signedInUser(app, 'ivy')
    const key = await newKey(app, ivy.accessToken)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(key.api_key.slice(4)) })).statusCode, 401, 'a key without its prefix')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(`ghk_${ivy.accessToken}`) })).statusCode, 401, 'an access token with the prefix')
  })

  test(`${mode}: /auth/verify and introspection take a key; the exported plugin too`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const jade = await signedInUser(app, 'jade', ['reports'])
    const key = await newKey(app, jade.accessToken)
    const verified = await app.inject({ url: '/auth/verify?roles=reports', headers: bearer(key.api_key) })
    t.equal(verified.statusCode, 200)
    t.equal(verified.headers['x-auth-subject'], jade.userId)
    t.equal(verified.headers['x-auth-session'], undefined, 'a key has no session')
    const auditor = await registerClient(app, admin.accessToken, 'auditor')
    const introspected = await app.inject({ method: 'POST', url: '/auth/introspect', headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicAuth(auditor.client_id, auditor.client_secret) }, payload: new URLSearchParams({ token: key.api_key }).toString() })
    t.match(introspected.json(), { active: true, sub: jade.userId, roles: ['reports'], jti: key.id })

    const jwks = (await app.inject('/.well-known/jwks.json')).json() as { keys: Array<{ kty: string }> }
    const service = Fastify()
    t.teardown(async () => await service.close())
    await service.register(gatehouseAuth, { publicKey: jwks.keys[0] as { kty: string }, issuer: app.config.JWT_ISSUER, audience: app.config.JWT_AUDIENCE, revocations: app.store.revocations })
    service.get('/reports', { config: { auth: { roles: ['reports'] } } }, async (request) => ({ by: request.requireClaims().sub }))
    t.same((await service.inject({ url: '/reports', headers: bearer(key.api_key) })).json(), { by: jade.userId }, 'another service accepts the key')
    await app.inject({ method: 'DELETE', url: `/auth/api-keys/${key.id}`, headers: bearer(jade.accessToken) })
    t.equal((await service.inject({ url: '/reports', headers: bearer(key.api_key) })).statusCode, 401, 'and refuses it once revoked')
  })
}

test('redis: a key revoked on one instance is refused by a second within 100 ms', async (t) => {
  const location = await testLocation(t)
  const a = await build(t, { mode: 'redis', location })
  const b = await build(t, { mode: 'redis', location })
  await createUser(a, 'kim')
  const kim = await loginWithTokens(a, 'kim')
  const key = await newKey(a, kim.accessToken)
  t.equal((await b.inject({ url: '/auth/me', headers: bearer(key.api_key) })).statusCode, 200)
  t.equal((await a.inject({ method: 'DELETE', url: `/auth/api-keys/${key.id}`, headers: bearer(kim.accessToken) })).statusCode, 204)
  const took = await within(100, async () => (await b.inject({ url: '/auth/me', headers: bearer(key.api_key) })).statusCode === 401)
  t.ok(took >= 0, `refused on B ${took} ms after the revocation on A`)
})
