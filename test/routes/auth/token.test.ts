/** POST /auth/token: the client credentials grant (RFC 6749 4.4), its errors (5.2), and what a service token may do. */
import { test, type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { build, MODES } from '../../helper.js'
import { bearer, signedInUser, type TestApp } from '../../support/auth.js'
import { basicAuth, registerClient, requestToken, type RegisteredClient } from '../../support/clients.js'
import { decodeClaims } from '../../support/tokens.js'
import { startRedisServer, testPrefix } from '../../support/redis-server.js'

const GRANT = { grant_type: 'client_credentials' }
const SCOPES = ['orders:read', 'orders:write']

async function withClient (app: TestApp, scopes = SCOPES): Promise<RegisteredClient> {
  const admin = await signedInUser(app, 'root', ['admin'])
  return await registerClient(app, admin.accessToken, 'billing', scopes)
}

function assertIssued (t: Test, res: LightMyRequestResponse, client: RegisteredClient, scope: string) {
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type'])
  t.match(body, { token_type: 'Bearer', expires_in: 900, scope })
  const { payload } = decodeClaims(body.access_token)
  t.match(payload, { sub: client.client_id, scope, type: 'access', iss: 'gatehouse', aud: 'gatehouse' })
  t.same(payload.roles, [], 'a service has no roles')
  t.notOk('sid' in payload, 'a service token belongs to no session')
  t.equal(payload.exp - payload.iat, 900)
  return body.access_token
}

function assertOAuthError (t: Test, res: LightMyRequestResponse, statusCode: number, error: string) {
  t.equal(res.statusCode, statusCode, error)
  const body = res.json()
  t.equal(body.error, error)
  t.type(body.error_description, 'string')
  t.notOk('access_token' in body)
  t.equal(res.headers['cache-control'], 'no-store')
}

for (const mode of MODES) {
  test(`${mode}: a client authenticated by HTTP Basic gets a service token`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const res = await requestToken(app, GRANT, basicAuth(client.client_id, client.client_secret))
    assertIssued(t, res, client, 'orders:read orders:write')
    t.notOk(res.headers['www-authenticate'], 'no challenge on success')
  })

  test(`${mode}: a client authenticated by client_id and client_secret form fields gets a service token`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const res = await requestToken(app, { ...GRANT, client_id: client.client_id, client_secret: client.client_secret })
    assertIssued(t, res, client, 'orders:read orders:write')
  })

  test(`${mode}: each token request issues a distinct token`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const first = (await requestToken(app, GRANT, basicAuth(client.client_id, client.client_secret))).json().access_token
    const second = (await requestToken(app, GRANT, basicAuth(client.client_id, client.client_secret))).json().access_token
    t.not(decodeClaims(first).payload.jti, decodeClaims(second).payload.jti)
  })

  test(`${mode}: requesting one of the client's scopes narrows the token to it`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const res = await requestToken(app, { ...GRANT, scope: 'orders:read' }, basicAuth(client.client_id, client.client_secret))
    assertIssued(t, res, client, 'orders:read')
  })

  test(`${mode}: a scope the client was not granted is refused with 400 invalid_scope`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    for (const scope of ['orders:delete', 'orders:read admin']) {
      const res = await requestToken(app, { ...GRANT, scope }, basicAuth(client.client_id, client.client_secret))
      assertOAuthError(t, res, 400, 'invalid_scope')
    }
  })

  test(`${mode}: a wrong secret by Basic is 401 invalid_client with a Basic challenge`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const res = await requestToken(app, GRANT, basicAuth(client.client_id, 'not-the-secret'))
    assertOAuthError(t, res, 401, 'invalid_client')
    t.match(res.headers['www-authenticate'], /Basic/)
  })

  test(`${mode}: a wrong secret in the body is 401 invalid_client`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const res = await requestToken(app, { ...GRANT, client_id: client.client_id, client_secret: 'not-the-secret' })
    assertOAuthError(t, res, 401, 'invalid_client')
    t.ok(res.headers['www-authenticate'], 'a 401 carries a challenge')
  })

  test(`${mode}: an unknown client answers exactly like a wrong secret`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const wrong = await requestToken(app, GRANT, basicAuth(client.client_id, 'not-the-secret'))
    const unknown = await requestToken(app, GRANT, basicAuth('01900000-0000-7000-8000-000000000000', 'not-the-secret'))
    assertOAuthError(t, unknown, 401, 'invalid_client')
    t.same(unknown.json(), wrong.json(), 'the same body')
    t.equal(unknown.headers['www-authenticate'], wrong.headers['www-authenticate'], 'the same challenge')
  })

  test(`${mode}: Basic and body credentials together are 400 invalid_request`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const res = await requestToken(app, { ...GRANT, client_id: client.client_id, client_secret: client.client_secret }, basicAuth(client.client_id, client.client_secret))
    assertOAuthError(t, res, 400, 'invalid_request')
  })

  test(`${mode}: no client credentials, or only half of them, is 401 invalid_client`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    assertOAuthError(t, await requestToken(app, GRANT), 401, 'invalid_client')
    assertOAuthError(t, await requestToken(app, { ...GRANT, client_id: client.client_id }), 401, 'invalid_client')
  })

  test(`${mode}: a missing grant_type is 400 invalid_request and grant_type=password is 400 unsupported_grant_type`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const credentials = basicAuth(client.client_id, client.client_secret)
    assertOAuthError(t, await requestToken(app, {}, credentials), 400, 'invalid_request')
    assertOAuthError(t, await requestToken(app, { grant_type: 'password', username: 'root', password: 'x' }, credentials), 400, 'unsupported_grant_type')
  })

  test(`${mode}: a service token passes /auth/me as the client and is refused an admin route`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const token = (await requestToken(app, GRANT, basicAuth(client.client_id, client.client_secret))).json().access_token
    const me = await app.inject({ url: '/auth/me', headers: bearer(token) })
    t.equal(me.statusCode, 200)
    t.match(me.json(), { id: client.client_id, roles: [] })
    const panel = await app.inject({ url: '/examples/admin-panel', headers: bearer(token) })
    t.equal(panel.statusCode, 403)
    t.equal(panel.json().code, 'AUTH_FORBIDDEN')
  })

  test(`${mode}: a service token is not a refresh token`, async (t) => {
    const app = await build(t, { mode })
    const client = await withClient(app)
    const token = (await requestToken(app, GRANT, basicAuth(client.client_id, client.client_secret))).json().access_token
    const res = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })
    t.equal(res.statusCode, 401)
  })

  test(`${mode}: after 3 wrong secrets for a client the next request is 429 with Retry-After, even with the right secret`, async (t) => {
    const app = await build(t, { mode, env: { LOGIN_MAX_FAILURES_PER_USERNAME: '3' } })
    const admin = await signedInUser(app, 'root', ['admin'])
    const client = await registerClient(app, admin.accessToken, 'billing', SCOPES)
    const bystander = await registerClient(app, admin.accessToken, 'shipping', SCOPES)
    for (let i = 0; i < 3; i++) {
      t.equal((await requestToken(app, GRANT, basicAuth(client.client_id, `wrong-${i}`))).statusCode, 401, `failure ${i + 1}`)
    }
    for (const credentials of [basicAuth(client.client_id, client.client_secret), basicAuth(client.client_id, 'wrong-again')]) {
      const res = await requestToken(app, GRANT, credentials)
      t.equal(res.statusCode, 429)
      t.equal(res.json().code, 'RATE_LIMITED')
      t.match(res.headers['retry-after'], /^[1-9][0-9]*$/)
      t.notOk('access_token' in res.json())
    }
    const body = await requestToken(app, { ...GRANT, client_id: client.client_id, client_secret: client.client_secret })
    t.equal(body.statusCode, 429, 'body credentials are counted against the same client')
    const other = await requestToken(app, GRANT, basicAuth(bystander.client_id, bystander.client_secret))
    t.equal(other.statusCode, 200, 'another client is not locked out')
  })
}

// Redis mode only: the embedded mode has no Redis to lose.
test('redis: with Redis down the token endpoint answers 503 SERVICE_UNAVAILABLE, never 500 and never a token', async (t) => {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-data-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const app = await build(t, { mode: 'redis', location: { dataDir, redisUrl: redis.url, prefix: testPrefix() } })
  const client = await withClient(app)
  await redis.stop()
  const res = await requestToken(app, GRANT, basicAuth(client.client_id, client.client_secret))
  t.equal(res.statusCode, 503)
  t.equal(res.json().code, 'SERVICE_UNAVAILABLE')
  t.notOk('access_token' in res.json())
  await redis.start() // the app closes against a live Redis, as it would after an outage
})
