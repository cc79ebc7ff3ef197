/** The seed tutorial's routes, exactly as the contract words them, and /auth/me. */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, signedInUser } from '../../support/auth.js'

for (const mode of MODES) {
  test(`${mode}: the dashboard shows who is signed in; /auth/me says the same`, async (t) => {
    const app = await build(t, { mode })
    const session = await signedInUser(app, 'alice', ['editor'])
    const dashboard = await app.inject({ url: '/examples/dashboard', headers: bearer(session.accessToken) })
    t.equal(dashboard.statusCode, 200)
    t.same(dashboard.json(), { logged_in_as: { id: session.userId, username: 'alice', roles: ['editor'] } })
    const me = await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })
    t.same(me.json(), { id: session.userId, username: 'alice', roles: ['editor'] })
  })

  test(`${mode}: /auth/me reads the token, not the store`, async (t) => {
    const app = await build(t, { mode })
    const session = await signedInUser(app, 'bob', ['editor'])
    await app.store.users.update(session.userId, { roles: ['changed'] })
    t.same((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).json().roles, ['editor'])
  })

  test(`${mode}: the admin panel welcomes admins and refuses others with AUTH_FORBIDDEN`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const reader = await signedInUser(app, 'reader', ['editor'])
    const welcome = await app.inject({ url: '/examples/admin-panel', headers: bearer(admin.accessToken) })
    t.equal(welcome.statusCode, 200)
    t.same(welcome.json(), { msg: 'Welcome, admin!' })
    const refused = await app.inject({ url: '/examples/admin-panel', headers: bearer(reader.accessToken) })
    t.equal(refused.statusCode, 403)
    t.same(refused.json(), { statusCode: 403, code: 'AUTH_FORBIDDEN', error: 'Forbidden', message: 'Missing role admin' })
  })

  test(`${mode}: without a token the examples answer 401 AUTH_MISSING_TOKEN with a challenge`, async (t) => {
    const app = await build(t, { mode })
    for (const url of ['/examples/dashboard', '/examples/admin-panel', '/auth/me']) {
      const res = await app.inject({ url })
      t.equal(res.statusCode, 401, url)
      t.equal(res.json().code, 'AUTH_MISSING_TOKEN')
      t.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse"')
    }
  })
}
