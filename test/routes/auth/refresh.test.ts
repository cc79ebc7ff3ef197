/** POST /auth/refresh: rotation, reuse detection, races, and what a refresh token can and cannot do. */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithCookies, loginWithTokens, signedInUser, cookiesOf, cookieSession, type TestApp } from '../../support/auth.js'
import { decodeClaims } from '../../support/tokens.js'

const refresh = async (app: TestApp, token: string) => await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })

for (const mode of MODES) {
  test(`${mode}: a refresh token rotates into a new pair of the same session, not fresh`, async (t) => {
    const app = await build(t, { mode })
    const session = await signedInUser(app, 'alice', ['editor'])
    const res = await refresh(app, session.refreshToken)
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    const body = res.json()
    t.match(body, { token_type: 'Bearer', expires_in: 900, user: { username: 'alice', roles: ['editor'] } })
    t.not(body.refresh_token, session.refreshToken)
    const before = decodeClaims(session.accessToken).payload
    const after = decodeClaims(body.access_token).payload
    t.equal(after.sid, before.sid, 'same session')
    t.equal(after.fresh, false, 'only a password login gives a fresh token')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(body.access_token) })).statusCode, 200)
    t.equal((await refresh(app, body.refresh_token)).statusCode, 200, 'the new refresh token works in turn')
  })

  test(`${mode}: with no reuse grace, a refresh token used twice revokes the whole session`, async (t) => {
    const app = await build(t, { mode, env: { REFRESH_REUSE_GRACE: '0' } })
    const session = await signedInUser(app, 'bob')
    const first = (await refresh(app, session.refreshToken)).json()
    const reuse = await refresh(app, session.refreshToken)
    t.equal(reuse.statusCode, 401)
    t.equal(reuse.json().code, 'AUTH_TOKEN_REVOKED')
    t.match(reuse.headers['www-authenticate'], /error="invalid_token"/)
    t.equal((await refresh(app, first.refresh_token)).json().code, 'AUTH_TOKEN_REVOKED', 'the thief\'s (or owner\'s) rotated token dies too')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(first.access_token) })).json().code, 'AUTH_TOKEN_REVOKED')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).json().code, 'AUTH_TOKEN_REVOKED')
  })

  test(`${mode}: with no reuse grace, two concurrent refreshes of one token: one wins, and the session ends`, async (t) => {
    const app = await build(t, { mode, env: { REFRESH_REUSE_GRACE: '0' } })
    const session = await signedInUser(app, 'carol')
    const results = await Promise.all([refresh(app, session.refreshToken), refresh(app, session.refreshToken)])
    const statuses = results.map((res) => res.statusCode).sort()
    t.same(statuses, [200, 401], 'never both')
    const winner = results.find((res) => res.statusCode === 200)?.json()
    t.equal((await refresh(app, winner.refresh_token)).statusCode, 401, 'the race counts as reuse')
  })

  test(`${mode}: within the reuse grace, a refresh token presented again answers the same chain, and the session lives`, async (t) => {
    const app = await build(t, { mode })
    const session = await signedInUser(app, 'carol')
    const results = await Promise.all([refresh(app, session.refreshToken), refresh(app, session.refreshToken), refresh(app, session.refreshToken)])
    t.same(results.map((res) => res.statusCode), [200, 200, 200], 'two tabs, or a retry after a lost answer')
    const jtis = new Set(results.map((res) => decodeClaims(res.json().refresh_token).payload.jti))
    t.equal(jtis.size, 1, 'every answer carries the same next refresh token id: one chain, never a fork')
    const latest = results[0]?.json()
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(latest.access_token) })).statusCode, 200)
    t.equal((await refresh(app, latest.refresh_token)).statusCode, 200, 'and the chain goes on')
  })

  test(`${mode}: past the reuse grace, a refresh token presented again is reuse and ends the session`, async (t) => {
    const app = await build(t, { mode, env: { REFRESH_REUSE_GRACE: '1s' } })
    const session = await signedInUser(app, 'cora')
    const first = (await refresh(app, session.refreshToken)).json()
    await new Promise((resolve) => setTimeout(resolve, 2100))
    const late = await refresh(app, session.refreshToken)
    t.equal(late.statusCode, 401)
    t.equal(late.json().code, 'AUTH_TOKEN_REVOKED')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(first.access_token) })).statusCode, 401, 'the whole session ends')
  })

  test(`${mode}: other sessions of the same user survive a reuse`, async (t) => {
    const app = await build(t, { mode, env: { REFRESH_REUSE_GRACE: '0' } })
    await createUser(app, 'dave')
    const laptop = await loginWithTokens(app, 'dave')
    const phone = await loginWithTokens(app, 'dave')
    await refresh(app, laptop.refreshToken)
    await refresh(app, laptop.refreshToken)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(phone.accessToken) })).statusCode, 200)
    t.equal((await refresh(app, phone.refreshToken)).statusCode, 200)
  })

  test(`${mode}: an access token is not a refresh token, nor the reverse`, async (t) => {
    const app = await build(t, { mode })
    const session = await signedInUser(app, 'erin')
    const asRefresh = await refresh(app, session.accessToken)
    t.equal(asRefresh.statusCode, 401)
    t.equal(asRefresh.json().code, 'AUTH_INVALID_TOKEN')
    const asAccess = await app.inject({ url: '/auth/me', headers: bearer(session.refreshToken) })
    t.equal(asAccess.statusCode, 401)
    t.equal(asAccess.json().code, 'AUTH_INVALID_TOKEN')
    t.equal((await refresh(app, session.refreshToken)).statusCode, 200, 'the refused attempts changed nothing')
  })

  test(`${mode}: a disabled or deleted user's refresh token stops working`, async (t) => {
    const app = await build(t, { mode })
    const frank = await signedInUser(app, 'frank')
    const gina = await signedInUser(app, 'gina')
    await app.store.users.update(frank.userId, { disabled: true })
    await app.store.users.delete(gina.userId)
    t.equal((await refresh(app, frank.refreshToken)).json().code, 'AUTH_TOKEN_REVOKED')
    t.equal((await refresh(app, gina.refreshToken)).json().code, 'AUTH_TOKEN_REVOKED')
  })

  test(`${mode}: refresh without any token, or with garbage, is a clear 4xx`, async (t) => {
    const app = await build(t, { mode })
    const none = await app.inject({ method: 'POST', url: '/auth/refresh' })
    t.equal(none.statusCode, 401)
    t.equal(none.json().code, 'AUTH_MISSING_TOKEN')
    t.equal((await refresh(app, 'not-a-token')).json().code, 'AUTH_INVALID_TOKEN')
    const typed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 42 } })
    t.equal(typed.statusCode, 400)
    const long = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'x'.repeat(9000) } })
    t.equal(long.statusCode, 400)
  })

  test(`${mode}: a cookie session refreshes with its cookie and X-CSRF-Token, and gets new cookies`, async (t) => {
    const app = await build(t, { mode, env: { REFRESH_REUSE_GRACE: '0' } })
    await createUser(app, 'hana')
    const session = await loginWithCookies(app, 'hana')
    const res = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: session.header('/auth/refresh'), 'x-csrf-token': session.csrf } })
    t.equal(res.statusCode, 200)
    t.same(Object.keys(res.json()).sort(), ['csrf_token', 'expires_in', 'user'])
    const renewed = cookiesOf(res)
    t.not(renewed.access_token, session.cookies.access_token)
    t.not(renewed.refresh_token, session.cookies.refresh_token)
    t.equal(renewed.csrf_token, session.csrf, 'the csrf value stays for the session, so open tabs keep working')
    const next = cookieSession(renewed)
    t.equal((await app.inject({ url: '/auth/me', headers: { cookie: next.header() } })).statusCode, 200)
    const replay = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: session.header('/auth/refresh'), 'x-csrf-token': session.csrf } })
    t.equal(replay.json().code, 'AUTH_TOKEN_REVOKED', 'the old refresh cookie replayed ends the session')
  })
}

for (const mode of MODES) {
  test(`${mode}: SESSION_MAX_LIFETIME: refreshes never extend a session past its sign-in plus it; past it, 401 and the cookies are cleared`, async (t) => {
    const app = await build(t, { mode, env: { SESSION_MAX_LIFETIME: '3s', ACCESS_TOKEN_TTL: '60s', REFRESH_REUSE_GRACE: '0' } })
    await createUser(app, 'ida')
    const started = Math.floor(Date.now() / 1000)
    const session = await loginWithCookies(app, 'ida')
    const first = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: session.header('/auth/refresh'), 'x-csrf-token': session.csrf } })
    t.equal(first.statusCode, 200)
    const renewed = cookieSession(cookiesOf(first))
    const refreshExp = decodeClaims(renewed.cookies.refresh_token ?? '').payload.exp
    const accessExp = decodeClaims(renewed.cookies.access_token ?? '').payload.exp
    t.ok(refreshExp <= started + 4, `the refresh token ends with the session (${refreshExp - started} s after sign-in)`)
    t.ok(accessExp <= started + 4, 'and so does the access token, though ACCESS_TOKEN_TTL is longer')
    await new Promise((resolve) => setTimeout(resolve, 4200))
    const late = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: renewed.header('/auth/refresh'), 'x-csrf-token': renewed.csrf } })
    t.equal(late.statusCode, 401)
    const cleared = late.cookies.filter((cookie) => ['access_token', 'refresh_token', 'csrf_token'].includes(cookie.name) && cookie.value === '')
    t.equal(cleared.length, 3, 'the three cookies are cleared')
  })
}
