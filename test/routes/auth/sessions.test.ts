/** GET /auth/sessions and DELETE /auth/sessions/:id: the caller's own devices, and ending one; the admin's view. */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithCookies, loginWithTokens, PASSWORD, signedInUser } from '../../support/auth.js'
import { decodeClaims } from '../../support/tokens.js'
import { registerClient, serviceToken } from '../../support/clients.js'
import type { SecurityEvent } from '../../../src/security-events.js'

const PHONE = 'Mozilla/5.0 (Linux; Android 15) Mobile'
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'
const sidOf = (token: string) => String(decodeClaims(token).payload.sid)

interface ListedSession { id: string, created_at: string, last_used_at: string, expires_at: string, user_agent: string, ip: string, current: boolean }

for (const mode of MODES) {
  test(`${mode}: the list holds the caller's live sessions, newest first, with where each was used`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'alice')
    await signedInUser(app, 'bob')
    const login = async (userAgent: string, remoteAddress: string) => {
      const res = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'user-agent': userAgent }, remoteAddress, payload: { username: 'alice', password: PASSWORD, mode: 'token' } })
      return { accessToken: String(res.json().access_token), refreshToken: String(res.json().refresh_token) }
    }
    const phone = await login(PHONE, '203.0.113.7')
    await new Promise((resolve) => setTimeout(resolve, 1100)) // created_at has one-second resolution
    const laptop = await login(LAPTOP, '198.51.100.4')
    const res = await app.inject({ url: '/auth/sessions', headers: bearer(laptop.accessToken) })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    const sessions = res.json().sessions as ListedSession[]
    t.same(sessions.map((session) => session.id), [sidOf(laptop.accessToken), sidOf(phone.accessToken)], 'only alice\'s two, newest first')
    t.match(sessions[0], { user_agent: LAPTOP, ip: '198.51.100.4', current: true })
    t.match(sessions[1], { user_agent: PHONE, ip: '203.0.113.7', current: false })
    for (const session of sessions) {
      t.equal(session.last_used_at, session.created_at, 'never refreshed: last used at the sign-in')
      t.ok(Date.parse(session.expires_at) > Date.parse(session.created_at))
    }

    await new Promise((resolve) => setTimeout(resolve, 1100))
    const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { 'user-agent': `${PHONE} (updated)` }, remoteAddress: '203.0.113.8', payload: { refresh_token: phone.refreshToken } })
    t.equal(refreshed.statusCode, 200)
    const after = (await app.inject({ url: '/auth/sessions', headers: bearer(laptop.accessToken) })).json().sessions as ListedSession[]
    const phoneNow = after.find((session) => session.id === sidOf(phone.accessToken))
    t.match(phoneNow, { user_agent: `${PHONE} (updated)`, ip: '203.0.113.8' }, 'a refresh updates where it was last used')
    t.ok(Date.parse(phoneNow?.last_used_at ?? '') > Date.parse(phoneNow?.created_at ?? ''), 'and when')
  })

  test(`${mode}: a user agent is kept to 256 characters`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'carol')
    const res = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'user-agent': 'x'.repeat(5000) }, payload: { username: 'carol', password: PASSWORD, mode: 'token' } })
    const listed = (await app.inject({ url: '/auth/sessions', headers: bearer(res.json().access_token) })).json().sessions as ListedSession[]
    t.equal(listed[0]?.user_agent, 'x'.repeat(256))
  })

  test(`${mode}: ending one of your sessions revokes its tokens at once and leaves the others`, async (t) => {
    const app = await build(t, { mode })
    const events: SecurityEvent[] = []
    app.onSecurityEvent((event) => events.push(event))
    await createUser(app, 'dave')
    const old = await loginWithTokens(app, 'dave')
    const current = await loginWithTokens(app, 'dave')
    const ended = await app.inject({ method: 'DELETE', url: `/auth/sessions/${sidOf(old.accessToken)}`, headers: bearer(current.accessToken) })
    t.equal(ended.statusCode, 204)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(old.accessToken) })).json().code, 'AUTH_TOKEN_REVOKED', 'its access token fails at once')
    t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: old.refreshToken } })).statusCode, 401, 'and its refresh token')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(current.accessToken) })).statusCode, 200, 'the current session goes on')
    const listed = (await app.inject({ url: '/auth/sessions', headers: bearer(current.accessToken) })).json().sessions as ListedSession[]
    t.same(listed.map((session) => session.id), [sidOf(current.accessToken)], 'and is the only one listed')
    t.ok(events.includes('session.ended'), 'a security event')
    t.equal((await app.inject({ method: 'DELETE', url: `/auth/sessions/${sidOf(old.accessToken)}`, headers: bearer(current.accessToken) })).statusCode, 404, 'ending it again: 404')
  })

  test(`${mode}: another user's session, or an unknown id, is 404 and changes nothing`, async (t) => {
    const app = await build(t, { mode })
    const erin = await signedInUser(app, 'erin')
    const fay = await signedInUser(app, 'fay')
    for (const id of [sidOf(fay.accessToken), '00000000-0000-4000-8000-000000000000']) {
      const res = await app.inject({ method: 'DELETE', url: `/auth/sessions/${id}`, headers: bearer(erin.accessToken) })
      t.equal(res.statusCode, 404)
      t.equal(res.json().code, 'NOT_FOUND')
    }
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(fay.accessToken) })).statusCode, 200, 'fay is still signed in')
    t.equal((await app.inject({ method: 'DELETE', url: `/auth/sessions/${'x'.repeat(65)}`, headers: bearer(erin.accessToken) })).statusCode, 400, 'an id past 64 characters is a bad request')
  })

  test(`${mode}: with cookies, ending a session needs the CSRF header; ending the current one clears the cookies`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'gus')
    const browser = await loginWithCookies(app, 'gus')
    const sid = sidOf(browser.cookies.access_token ?? '')
    const forged = await app.inject({ method: 'DELETE', url: `/auth/sessions/${sid}`, headers: { cookie: browser.header() } })
    t.equal(forged.statusCode, 403)
    t.equal(forged.json().code, 'AUTH_CSRF')
    t.equal((await app.inject({ url: '/auth/me', headers: { cookie: browser.header() } })).statusCode, 200, 'a forged request ended nothing')
    const listed = await app.inject({ url: '/auth/sessions', headers: { cookie: browser.header() } })
    t.equal(listed.json().sessions[0].current, true, 'a safe GET needs no CSRF header')
    const ended = await app.inject({ method: 'DELETE', url: `/auth/sessions/${sid}`, headers: { cookie: browser.header(), 'x-csrf-token': browser.csrf } })
    t.equal(ended.statusCode, 204)
    t.same(ended.cookies.filter((cookie) => cookie.value === '').map((cookie) => cookie.name).sort(), ['access_token', 'csrf_token', 'refresh_token'], 'the cookies are cleared')
    t.equal((await app.inject({ url: '/auth/me', headers: { cookie: browser.header() } })).statusCode, 401)
  })

  test(`${mode}: service tokens have no sessions; admins list a user's`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const hana = await signedInUser(app, 'hana')
    await loginWithTokens(app, 'hana')
    const client = await registerClient(app, admin.accessToken, 'reports')
    const service = await app.inject({ url: '/auth/sessions', headers: bearer(await serviceToken(app, client)) })
    t.equal(service.statusCode, 403)
    t.equal(service.json().code, 'AUTH_FORBIDDEN')

    const listed = await app.inject({ url: `/admin/users/${hana.userId}/sessions`, headers: bearer(admin.accessToken) })
    t.equal(listed.statusCode, 200)
    t.equal(listed.json().sessions.length, 2, 'both of hana\'s sessions')
    t.ok(listed.json().sessions.every((session: ListedSession) => !session.current), 'none is the admin\'s own')
    t.equal((await app.inject({ url: `/admin/users/${hana.userId}/sessions`, headers: bearer(hana.accessToken) })).statusCode, 403, 'not for non-admins')
    t.equal((await app.inject({ url: '/admin/users/no-such-user/sessions', headers: bearer(admin.accessToken) })).statusCode, 404, 'an unknown user is 404')
    t.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${hana.userId}/sessions`, headers: bearer(admin.accessToken) })).json().revoked_sessions, 2)
    t.same((await app.inject({ url: `/admin/users/${hana.userId}/sessions`, headers: bearer(admin.accessToken) })).json().sessions, [], 'and none is left')
  })
}
