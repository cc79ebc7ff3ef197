/** GET /auth/verify: forward auth, as a proxy calls it. */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithCookies, signedInUser } from '../../support/auth.js'
import { registerClient, serviceToken } from '../../support/clients.js'

const verify = '/auth/verify'

for (const mode of MODES) {
  test(`${mode}: a valid token answers 200 with the X-Auth-* identity; none answers 401 with the Bearer challenge`, async (t) => {
    const app = await build(t, { mode })
    const alice = await signedInUser(app, 'alice', ['editor', 'viewer'])
    const res = await app.inject({ url: verify, headers: bearer(alice.accessToken) })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-auth-subject'], alice.userId)
    t.equal(res.headers['x-auth-username'], 'alice')
    t.equal(res.headers['x-auth-roles'], 'editor,viewer')
    t.ok(res.headers['x-auth-session'])
    t.equal(res.headers['x-auth-scope'], undefined)
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.json(), { sub: alice.userId, username: 'alice', roles: ['editor', 'viewer'] })
    const none = await app.inject(verify)
    t.equal(none.statusCode, 401)
    t.equal(none.json().code, 'AUTH_MISSING_TOKEN')
    t.equal(none.headers['www-authenticate'], 'Bearer realm="gatehouse"')
    const bad = await app.inject({ url: verify, headers: bearer('not.a.token') })
    t.equal(bad.statusCode, 401)
    t.match(bad.headers['www-authenticate'], /error="invalid_token"/)
  })

  test(`${mode}: roles, scopes and fresh in the query are required, all of them`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin', 'editor'])
    t.equal((await app.inject({ url: `${verify}?roles=admin,editor`, headers: bearer(admin.accessToken) })).statusCode, 200)
    const lacking = await app.inject({ url: `${verify}?roles=admin,auditor`, headers: bearer(admin.accessToken) })
    t.equal(lacking.statusCode, 403)
    t.equal(lacking.json().code, 'AUTH_FORBIDDEN')
    t.equal((await app.inject({ url: `${verify}?fresh=true`, headers: bearer(admin.accessToken) })).statusCode, 200, 'straight from a password login')
    const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: admin.refreshToken } })
    const stale = await app.inject({ url: `${verify}?fresh=true`, headers: bearer(refreshed.json().access_token) })
    t.equal(stale.statusCode, 401)
    t.equal(stale.json().code, 'AUTH_FRESH_REQUIRED')

    const client = await registerClient(app, admin.accessToken, 'billing', ['orders:read', 'orders:write'])
    const token = await serviceToken(app, client)
    const service = await app.inject({ url: `${verify}?scopes=orders:read`, headers: bearer(token) })
    t.equal(service.statusCode, 200)
    t.equal(service.headers['x-auth-subject'], client.client_id)
    t.equal(service.headers['x-auth-scope'], 'orders:read orders:write')
    t.equal(service.headers['x-auth-username'], undefined, 'a service token carries no username')
    t.equal((await app.inject({ url: `${verify}?scopes=orders:delete`, headers: bearer(token) })).statusCode, 403)
  })

  test(`${mode}: malformed requirements are a 400, never a pass`, async (t) => {
    const app = await build(t, { mode })
    const user = await signedInUser(app, 'bob', ['admin'])
    for (const query of ['roles=', 'roles=a%20b', 'roles=admin,,x', 'fresh=maybe', 'role=admin', `roles=${'x'.repeat(200)}`]) {
      const res = await app.inject({ url: `${verify}?${query}`, headers: bearer(user.accessToken) })
      t.equal(res.statusCode, 400, query)
      t.equal(res.json().code, 'FST_ERR_VALIDATION', query)
    }
  })

  test(`${mode}: the original method decides CSRF for cookies: an unsafe one needs X-CSRF-Token`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'carol')
    const session = await loginWithCookies(app, 'carol')
    const cookie = session.header('/')
    t.equal((await app.inject({ url: verify, headers: { cookie } })).statusCode, 200, 'no original method: a GET')
    for (const header of ['x-forwarded-method', 'x-original-method']) {
      const post = await app.inject({ url: verify, headers: { cookie, [header]: 'POST' } })
      t.equal(post.statusCode, 403, header)
      t.equal(post.json().code, 'AUTH_CSRF')
      t.equal((await app.inject({ url: verify, headers: { cookie, [header]: 'DELETE', 'x-csrf-token': session.csrf } })).statusCode, 200, `${header} with the CSRF header`)
      t.equal((await app.inject({ url: verify, headers: { cookie, [header]: 'get' } })).statusCode, 200, 'a safe method in any case')
    }
    const bearerPost = await app.inject({ url: verify, headers: { ...bearer((await signedInUser(app, 'dan')).accessToken), 'x-forwarded-method': 'POST' } })
    t.equal(bearerPost.statusCode, 200, 'bearer requests never need it')
  })

  test(`${mode}: a logged-out token is refused at once`, async (t) => {
    const app = await build(t, { mode })
    const erin = await signedInUser(app, 'erin')
    await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(erin.accessToken) })
    const res = await app.inject({ url: verify, headers: bearer(erin.accessToken) })
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'AUTH_TOKEN_REVOKED')
  })
}
