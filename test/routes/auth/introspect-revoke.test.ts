/** POST /auth/introspect (RFC 7662) and POST /auth/revoke (RFC 7009), for registered service clients. */
import { test } from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { AddressInfo } from 'node:net'
import { build, MODES } from '../../helper.js'
import { bearer, signedInUser, type TestApp } from '../../support/auth.js'
import { basicAuth, registerClient, serviceToken, type RegisteredClient } from '../../support/clients.js'
import { within } from '../../support/poll.js'
import { testLocation } from '../../support/stores.js'

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function post (app: TestApp, url: string, client: RegisteredClient | undefined, fields: Record<string, string>) {
  const auth = client === undefined ? {} : basicAuth(client.client_id, client.client_secret)
  return await app.inject({ method: 'POST', url, headers: { ...FORM, ...auth }, payload: form(fields) })
}

async function setUp (app: TestApp) {
  const admin = await signedInUser(app, 'root', ['admin'])
  const billing = await registerClient(app, admin.accessToken, 'billing', ['orders:read'])
  const auditor = await registerClient(app, admin.accessToken, 'auditor', ['gatehouse:revoke'])
  return { admin, billing, auditor }
}

for (const mode of MODES) {
  test(`${mode}: introspection answers an access token's claims, and active: false for everything else`, async (t) => {
    const app = await build(t, { mode })
    const { admin, billing } = await setUp(app)
    const user = await post(app, '/auth/introspect', billing, { token: admin.accessToken })
    t.equal(user.statusCode, 200)
    t.equal(user.headers['cache-control'], 'no-store')
    t.match(user.json(), { active: true, sub: admin.userId, scope: '', username: 'root', roles: ['admin'], iss: 'gatehouse', aud: 'gatehouse', token_type: 'Bearer', exp: Number, iat: Number, jti: String, sid: String })
    const service = await post(app, '/auth/introspect', billing, { token: await serviceToken(app, billing) })
    t.match(service.json(), { active: true, sub: billing.client_id, client_id: billing.client_id, scope: 'orders:read', roles: [] })
    t.notOk('username' in service.json(), 'a service token has no username')
    const inactive: Array<[string, string]> = [['a refresh token', admin.refreshToken], ['garbage', 'garbage'], ['a tampered token', `${admin.accessToken.slice(0, -4)}AAAA`]]
    for (const [what, token] of inactive) {
      const res = await post(app, '/auth/introspect', billing, { token, token_type_hint: 'access_token' })
      t.same(res.json(), { active: false }, what)
    }
    await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(admin.accessToken) })
    t.same((await post(app, '/auth/introspect', billing, { token: admin.accessToken })).json(), { active: false }, 'a revoked token')
  })

  test(`${mode}: introspection and revocation need an authenticated client`, async (t) => {
    const app = await build(t, { mode })
    const { admin, billing } = await setUp(app)
    for (const url of ['/auth/introspect', '/auth/revoke']) {
      const none = await post(app, url, undefined, { token: admin.accessToken })
      t.equal(none.statusCode, 401, url)
      t.equal(none.json().error, 'invalid_client')
      const wrong = await post(app, url, { ...billing, client_secret: 'wrong' }, { token: admin.accessToken })
      t.equal(wrong.statusCode, 401)
      t.match(wrong.headers['www-authenticate'], /^Basic realm="gatehouse"/)
      const inForm = await post(app, url, undefined, { token: admin.accessToken, client_id: billing.client_id, client_secret: billing.client_secret })
      t.equal(inForm.statusCode, 200, `${url}: form fields work too`)
      const missing = await post(app, url, billing, {})
      t.equal(missing.statusCode, 400)
      t.equal(missing.json().error, 'invalid_request')
      const json = await app.inject({ method: 'POST', url, headers: basicAuth(billing.client_id, billing.client_secret), payload: { token: 'x' } })
      t.equal(json.statusCode, 415, 'form bodies only')
    }
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(admin.accessToken) })).statusCode, 200, 'refused revocations revoked nothing')
  })

  test(`${mode}: a client revokes its own token, not another's; gatehouse:revoke revokes any, a refresh token ends the session`, async (t) => {
    const app = await build(t, { mode })
    const { admin, billing, auditor } = await setUp(app)
    const own = await serviceToken(app, billing)
    t.equal((await post(app, '/auth/revoke', billing, { token: own })).statusCode, 200)
    t.equal((await app.inject({ url: '/auth/verify', headers: bearer(own) })).statusCode, 401, 'its own token is revoked')
    t.same((await post(app, '/auth/introspect', billing, { token: own })).json(), { active: false })

    t.equal((await post(app, '/auth/revoke', billing, { token: admin.accessToken })).statusCode, 200, 'a user token: 200, as the contract says')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(admin.accessToken) })).statusCode, 200, 'but not revoked: it was not issued to billing')

    t.equal((await post(app, '/auth/revoke', auditor, { token: admin.accessToken })).statusCode, 200)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(admin.accessToken) })).json().code, 'AUTH_TOKEN_REVOKED', 'gatehouse:revoke revokes any access token')

    const session = await signedInUser(app, 'alice')
    t.equal((await post(app, '/auth/revoke', auditor, { token: session.refreshToken, token_type_hint: 'refresh_token' })).statusCode, 200)
    t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })).statusCode, 401, 'the refresh token is dead')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 401, 'and so is its session')
    for (const token of ['garbage', admin.refreshToken.slice(0, -3)]) {
      t.equal((await post(app, '/auth/revoke', auditor, { token })).statusCode, 200, 'an invalid token: 200, nothing to revoke')
    }
  })
}

test('redis: a token revoked through RFC 7009 is refused by another instance within 100 ms', async (t) => {
  const location = await testLocation(t)
  const first = await build(t, { mode: 'redis', location })
  const second = await build(t, { mode: 'redis', location })
  const { billing } = await setUp(first)
  const token = await serviceToken(first, billing)
  t.equal((await second.inject({ url: '/examples/inventory', headers: bearer(token) })).statusCode, 403, 'valid on the other instance (it lacks the scope)')
  t.equal((await post(first, '/auth/revoke', billing, { token })).statusCode, 200)
  const took = await within(100, async () => (await second.inject({ url: '/auth/verify', headers: bearer(token) })).statusCode === 401)
  t.ok(took >= 0, `refused by the other instance ${took} ms later`)
})

test('a Python service introspects with requests and HTTP Basic, as RFC 7662 clients do', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const { admin, billing } = await setUp(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/auth/introspect`
  const script = `
import json, sys, requests
url, client_id, secret = sys.argv[1:4]
for token in sys.argv[4:]:
    answer = requests.post(url, data={"token": token}, auth=(client_id, secret), timeout=5)
    answer.raise_for_status()
    body = answer.json()
    print(json.dumps({"active": body["active"], "sub": body.get("sub")}))
`
  // Asynchronously: the server answering Python runs in this very process.
  const { stdout: out } = await promisify(execFile)('/usr/bin/python3', ['-c', script, url, billing.client_id, billing.client_secret, admin.accessToken, admin.refreshToken], { encoding: 'utf8' })
  t.same(out.trim().split('\n').map((line) => JSON.parse(line)), [{ active: true, sub: admin.userId }, { active: false, sub: null }])
})
