/** CSRF for cookie sessions: unsafe cookie requests need X-CSRF-Token equal to the signed claim; bearer never does. */
import { test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { build, MODES } from '../../helper.js'
import { bearer, cookiesOf, cookieSession, createUser, loginWithCookies, loginWithTokens, PASSWORD, type CookieSession, type TestApp } from '../../support/auth.js'

const logout = async (app: TestApp, headers: Record<string, string>) => await app.inject({ method: 'POST', url: '/auth/logout', headers })
const me = async (app: TestApp, session: CookieSession) => await app.inject({ url: '/auth/me', headers: { cookie: session.header() } })

function cookiesByName (res: LightMyRequestResponse) {
  return Object.fromEntries(res.cookies.map((cookie) => [cookie.name, cookie]))
}

function setCookieHeaders (res: LightMyRequestResponse): string[] {
  const header = res.headers['set-cookie']
  if (header === undefined) return []
  return Array.isArray(header) ? header : [header]
}

for (const mode of MODES) {
  test(`${mode}: a cookie POST without X-CSRF-Token is refused with AUTH_CSRF and changes nothing`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'alice')
    const session = await loginWithCookies(app, 'alice')
    const res = await logout(app, { cookie: session.header() })
    t.equal(res.statusCode, 403)
    const body = res.json()
    t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'])
    t.match(body, { statusCode: 403, code: 'AUTH_CSRF', error: 'Forbidden', message: String })
    t.equal(res.cookies.length, 0, 'no cookie is cleared')
    t.equal((await me(app, session)).statusCode, 200, 'the session still works')
    const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: session.header('/auth/refresh'), 'x-csrf-token': session.csrf } })
    t.equal(refreshed.statusCode, 200, 'the refresh cookie was not used up or revoked')
  })

  test(`${mode}: every unsafe method (POST, PATCH, DELETE) on a cookie session needs X-CSRF-Token`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'root', ['admin'])
    const target = await createUser(app, 'target')
    const admin = await loginWithCookies(app, 'root')
    const cookie = admin.header()
    const attempts: Array<{ method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown> }> = [
      { method: 'POST', url: '/admin/users', payload: { username: 'intruder', password: 'a long enough password' } },
      { method: 'PATCH', url: `/admin/users/${target.id}`, payload: { roles: ['admin'] } },
      { method: 'DELETE', url: `/admin/users/${target.id}/sessions` },
      { method: 'DELETE', url: `/admin/users/${target.id}` },
      { method: 'POST', url: '/auth/logout-all' },
      { method: 'POST', url: '/auth/password', payload: { current_password: PASSWORD, new_password: 'another long password' } }
    ]
    for (const attempt of attempts) {
      const res = await app.inject({ ...attempt, headers: { cookie } })
      t.equal(res.statusCode, 403, `${attempt.method} ${attempt.url}`)
      t.equal(res.json().code, 'AUTH_CSRF', `${attempt.method} ${attempt.url}`)
    }
    const shown = await app.inject({ url: `/admin/users/${target.id}`, headers: { cookie } })
    t.equal(shown.statusCode, 200, 'the target user still exists')
    t.same(shown.json().roles, [], 'and was not promoted')
    t.equal((await app.inject({ url: '/admin/users', headers: { cookie } })).json().users.length, 2, 'no user was created')
    t.equal((await me(app, admin)).statusCode, 200, 'the admin session was not ended')
    const allowed = await app.inject({ method: 'PATCH', url: `/admin/users/${target.id}`, payload: { roles: ['admin'] }, headers: { cookie, 'x-csrf-token': admin.csrf } })
    t.equal(allowed.statusCode, 200, 'with the header the same PATCH passes')
    t.same(allowed.json().roles, ['admin'])
  })

  test(`${mode}: a cookie POST with a wrong X-CSRF-Token is refused with AUTH_CSRF`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'bob')
    const session = await loginWithCookies(app, 'bob')
    for (const wrong of ['wrong', '', `${session.csrf}x`, session.csrf.slice(0, -1), session.csrf.toUpperCase()]) {
      if (wrong === session.csrf) continue
      const res = await logout(app, { cookie: session.header(), 'x-csrf-token': wrong })
      t.equal(res.statusCode, 403, `X-CSRF-Token: ${JSON.stringify(wrong)}`)
      t.equal(res.json().code, 'AUTH_CSRF')
    }
    t.equal((await me(app, session)).statusCode, 200, 'the session still works')
  })

  test(`${mode}: another cookie session's csrf value does not pass`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'carol')
    await createUser(app, 'mallory')
    const victim = await loginWithCookies(app, 'carol')
    const attacker = await loginWithCookies(app, 'mallory')
    const sameUser = await loginWithCookies(app, 'carol')
    t.not(victim.csrf, attacker.csrf)
    t.not(victim.csrf, sameUser.csrf, 'each session has its own csrf value')
    for (const other of [attacker, sameUser]) {
      const res = await logout(app, { cookie: victim.header(), 'x-csrf-token': other.csrf })
      t.equal(res.statusCode, 403)
      t.equal(res.json().code, 'AUTH_CSRF')
    }
    t.equal((await me(app, victim)).statusCode, 200, 'the victim is still signed in')
  })

  test(`${mode}: a forged csrf_token cookie with a matching header is refused: the signed claim is the reference`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'dave')
    const session = await loginWithCookies(app, 'dave')
    const forged = cookieSession({ ...session.cookies, csrf_token: 'attacker-chosen' })
    const res = await logout(app, { cookie: forged.header(), 'x-csrf-token': 'attacker-chosen' })
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'AUTH_CSRF')
    const noCookie = cookieSession({ access_token: session.cookies.access_token ?? '' })
    t.equal((await logout(app, { cookie: noCookie.header(), 'x-csrf-token': session.csrf })).statusCode, 204, 'the csrf_token cookie is not needed, only the claim')
  })

  test(`${mode}: a cookie POST with the right X-CSRF-Token passes`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'erin')
    const session = await loginWithCookies(app, 'erin')
    const res = await logout(app, { cookie: session.header(), 'x-csrf-token': session.csrf })
    t.equal(res.statusCode, 204)
    t.equal((await me(app, session)).json().code, 'AUTH_TOKEN_REVOKED', 'the logout took effect')
  })

  test(`${mode}: a safe cookie request (GET) needs no X-CSRF-Token`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'fay')
    const session = await loginWithCookies(app, 'fay')
    const res = await me(app, session)
    t.equal(res.statusCode, 200)
    t.equal(res.json().username, 'fay')
    t.equal((await app.inject({ url: '/examples/dashboard', headers: { cookie: session.header() } })).statusCode, 200)
  })

  test(`${mode}: a bearer POST never needs X-CSRF-Token`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'gus')
    const session = await loginWithTokens(app, 'gus')
    const res = await logout(app, bearer(session.accessToken))
    t.equal(res.statusCode, 204)
    const revoked = await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })
    t.equal(revoked.json().code, 'AUTH_TOKEN_REVOKED')
  })

  test(`${mode}: a bearer header wins over a cookie, so a bearer POST with session cookies needs no X-CSRF-Token`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'hal')
    const tokens = await loginWithTokens(app, 'hal')
    const cookies = await loginWithCookies(app, 'hal')
    const res = await logout(app, { ...bearer(tokens.accessToken), cookie: cookies.header() })
    t.equal(res.statusCode, 204)
    t.equal((await me(app, cookies)).statusCode, 200, 'the bearer session ended, not the cookie one')
  })

  test(`${mode}: a token-mode access token in the access_token cookie cannot make unsafe requests`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'ivy')
    const tokens = await loginWithTokens(app, 'ivy')
    const cookie = cookieSession({ access_token: tokens.accessToken }).header()
    const variants: Array<Record<string, string>> = [{ cookie }, { cookie, 'x-csrf-token': '' }, { cookie, 'x-csrf-token': 'undefined' }]
    for (const headers of variants) {
      const res = await logout(app, headers)
      t.equal(res.statusCode, 403, JSON.stringify(headers['x-csrf-token'] ?? null))
      t.equal(res.json().code, 'AUTH_CSRF')
    }
    t.equal((await app.inject({ url: '/auth/me', headers: { cookie } })).statusCode, 200, 'it still reads with GET')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(tokens.accessToken) })).statusCode, 200, 'and was not revoked')
  })

  test(`${mode}: a cookie refresh without X-CSRF-Token is refused with AUTH_CSRF and rotates nothing`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'jay')
    const session = await loginWithCookies(app, 'jay')
    const cookie = session.header('/auth/refresh')
    t.match(cookie, /refresh_token=/, 'the browser sends the refresh cookie to /auth/refresh')
    for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'wrong' }]) {
      const res = await app.inject({ method: 'POST', url: '/auth/refresh', headers })
      t.equal(res.statusCode, 403)
      t.equal(res.json().code, 'AUTH_CSRF')
      t.equal(res.cookies.length, 0, 'no new cookies')
    }
    const res = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie, 'x-csrf-token': session.csrf } })
    t.equal(res.statusCode, 200, 'the same refresh cookie still works: it was not used up')
    const renewed = cookiesOf(res)
    t.ok(renewed.access_token !== undefined && renewed.access_token !== session.cookies.access_token, 'a new access cookie')
    t.ok(renewed.refresh_token !== undefined && renewed.refresh_token !== session.cookies.refresh_token, 'a new refresh cookie')
    t.equal((await me(app, cookieSession(renewed))).statusCode, 200)
  })

  test(`${mode}: login sets the three cookies with exactly the contract's attributes, without Secure on plain http`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'kim')
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'kim', password: PASSWORD } })
    t.equal(res.statusCode, 200)
    const cookies = cookiesByName(res)
    t.same(Object.keys(cookies).sort(), ['access_token', 'csrf_token', 'refresh_token'])
    t.match(cookies.access_token, { path: '/', httpOnly: true, sameSite: 'Lax' })
    t.match(cookies.refresh_token, { path: '/auth', httpOnly: true, sameSite: 'Strict' })
    t.match(cookies.csrf_token, { path: '/', sameSite: 'Strict' })
    t.notOk(cookies.csrf_token?.httpOnly, 'csrf_token is readable by scripts')
    for (const [name, cookie] of Object.entries(cookies)) {
      t.notOk(cookie.secure, `${name} has no Secure with COOKIE_SECURE=false`)
      t.ok((cookie.maxAge ?? 0) > 0, `${name} is persistent`)
    }
    for (const line of setCookieHeaders(res)) {
      t.notMatch(line, /;\s*Secure/i, 'no Secure in the header')
      if (line.startsWith('csrf_token=')) t.notMatch(line, /HttpOnly/i)
    }
  })

  test(`${mode}: with COOKIE_SECURE=true every cookie, set or cleared, is Secure`, async (t) => {
    const app = await build(t, { mode, env: { COOKIE_SECURE: 'true' } })
    await createUser(app, 'lea')
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'lea', password: PASSWORD } })
    t.equal(res.statusCode, 200)
    const cookies = cookiesByName(res)
    t.match(cookies.access_token, { path: '/', httpOnly: true, sameSite: 'Lax', secure: true })
    t.match(cookies.refresh_token, { path: '/auth', httpOnly: true, sameSite: 'Strict', secure: true })
    t.match(cookies.csrf_token, { path: '/', sameSite: 'Strict', secure: true })
    t.notOk(cookies.csrf_token?.httpOnly)
    const session = cookieSession(cookiesOf(res))
    const out = await logout(app, { cookie: session.header(), 'x-csrf-token': session.csrf })
    t.equal(out.statusCode, 204)
    const cleared = cookiesByName(out)
    for (const [name, path] of [['access_token', '/'], ['refresh_token', '/auth'], ['csrf_token', '/']] as const) {
      t.match(cleared[name], { value: '', maxAge: 0, path, secure: true }, `${name} is cleared as a Secure cookie`)
    }
  })

  test(`${mode}: logout clears all three cookies with Max-Age=0 and the paths they were set with`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'max')
    const session = await loginWithCookies(app, 'max')
    const res = await logout(app, { cookie: session.header(), 'x-csrf-token': session.csrf })
    t.equal(res.statusCode, 204)
    const cleared = cookiesByName(res)
    t.same(Object.keys(cleared).sort(), ['access_token', 'csrf_token', 'refresh_token'])
    for (const [name, path] of [['access_token', '/'], ['refresh_token', '/auth'], ['csrf_token', '/']] as const) {
      t.match(cleared[name], { value: '', maxAge: 0, path }, name)
    }
    for (const line of setCookieHeaders(res)) t.match(line, /;\s*Max-Age=0(;|$)/i, line.split('=')[0] ?? '')
  })
}
