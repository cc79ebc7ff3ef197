/** POST /auth/logout and /auth/logout-all: revocation at once, and for good (across a restart). */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithCookies, loginWithTokens, signedInUser } from '../../support/auth.js'

for (const mode of MODES) {
  test(`${mode}: logout revokes this session's access and refresh tokens, and nothing else`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'alice')
    const session = await loginWithTokens(app, 'alice')
    const other = await loginWithTokens(app, 'alice')
    const res = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    const replay = await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })
    t.equal(replay.statusCode, 401)
    t.equal(replay.json().code, 'AUTH_TOKEN_REVOKED')
    t.match(replay.headers['www-authenticate'], /^Bearer realm="gatehouse", error="invalid_token"/)
    const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })
    t.equal(refreshed.statusCode, 401)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(other.accessToken) })).statusCode, 200, 'another session is untouched')
    t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })).statusCode, 401, 'logging out twice is refused')
  })

  test(`${mode}: a revoked token stays revoked after a restart`, async (t) => {
    const first = await build(t, { mode })
    const session = await signedInUser(first, 'bob')
    await first.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })
    await first.close()
    const second = await build(t, { mode, location: first.location })
    t.equal((await second.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).json().code, 'AUTH_TOKEN_REVOKED')
    t.equal((await second.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })).statusCode, 401)
  })

  test(`${mode}: a valid token stays valid after a restart (keys and sessions are kept)`, async (t) => {
    const first = await build(t, { mode })
    const session = await signedInUser(first, 'carol')
    await first.close()
    const second = await build(t, { mode, location: first.location })
    t.equal((await second.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200)
    t.equal((await second.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })).statusCode, 200)
  })

  test(`${mode}: logout-all revokes every session of the user, and only that user`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'dave')
    const sessions = [await loginWithTokens(app, 'dave'), await loginWithTokens(app, 'dave'), await loginWithTokens(app, 'dave')]
    const bystander = await signedInUser(app, 'erin')
    const res = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(sessions[0]?.accessToken ?? '') })
    t.equal(res.statusCode, 204)
    for (const session of sessions) {
      t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).json().code, 'AUTH_TOKEN_REVOKED')
      t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })).statusCode, 401)
    }
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(bystander.accessToken) })).statusCode, 200)
    const again = await loginWithTokens(app, 'dave')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(again.accessToken) })).statusCode, 200, 'signing in again works at once')
  })

  test(`${mode}: a cookie logout clears the three cookies with their paths`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'fay')
    const session = await loginWithCookies(app, 'fay')
    const res = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: session.header(), 'x-csrf-token': session.csrf } })
    t.equal(res.statusCode, 204)
    const cleared = Object.fromEntries(res.cookies.map((cookie) => [cookie.name, cookie]))
    for (const [name, path] of [['access_token', '/'], ['refresh_token', '/auth'], ['csrf_token', '/']] as const) {
      t.match(cleared[name], { value: '', maxAge: 0, path }, name)
    }
    t.equal((await app.inject({ url: '/auth/me', headers: { cookie: session.header() } })).json().code, 'AUTH_TOKEN_REVOKED')
  })

  test(`${mode}: logout without a token is 401 AUTH_MISSING_TOKEN`, async (t) => {
    const app = await build(t, { mode })
    const res = await app.inject({ method: 'POST', url: '/auth/logout' })
    t.equal(res.statusCode, 401)
    t.same(res.json(), { statusCode: 401, code: 'AUTH_MISSING_TOKEN', error: 'Unauthorized', message: 'No access token was sent' })
    t.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse"')
  })
}
