/** POST /auth/password: a fresh token, the current password, then the other sessions end. */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithTokens, PASSWORD } from '../../support/auth.js'

const NEW_PASSWORD = 'a new and longer passphrase'

for (const mode of MODES) {
  test(`${mode}: a fresh token changes the password and ends the other sessions, keeping this one`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'alice')
    const here = await loginWithTokens(app, 'alice')
    const elsewhere = await loginWithTokens(app, 'alice')
    const res = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(here.accessToken), payload: { current_password: PASSWORD, new_password: NEW_PASSWORD } })
    t.equal(res.statusCode, 204)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(here.accessToken) })).statusCode, 200, 'this session stays')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(elsewhere.accessToken) })).json().code, 'AUTH_TOKEN_REVOKED')
    t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: elsewhere.refreshToken } })).statusCode, 401)
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })).statusCode, 401, 'the old password is gone')
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: NEW_PASSWORD } })).statusCode, 200)
  })

  test(`${mode}: a retry of a change whose new password is already stored (answered 503 after its write) completes it`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'bea')
    const session = await loginWithTokens(app, 'bea')
    const other = await loginWithTokens(app, 'bea')
    const change = { current_password: PASSWORD, new_password: NEW_PASSWORD }
    t.equal((await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: change })).statusCode, 204)
    // As if that answer had been lost: the same request again, whose current password is no longer the stored one.
    const retried = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: change })
    t.equal(retried.statusCode, 204, 'a retry, not a wrong password')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(other.accessToken) })).statusCode, 401, 'the other sessions are ended')
    const wrong = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: { current_password: 'not the password at all', new_password: 'yet another passphrase' } })
    t.equal(wrong.json().code, 'AUTH_INVALID_CREDENTIALS', 'a wrong current password is still refused')
  })

  test(`${mode}: a refreshed (not fresh) token is refused with AUTH_FRESH_REQUIRED`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'bob')
    const session = await loginWithTokens(app, 'bob')
    const refreshed = (await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })).json()
    const res = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(refreshed.access_token), payload: { current_password: PASSWORD, new_password: NEW_PASSWORD } })
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'AUTH_FRESH_REQUIRED')
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'bob', password: PASSWORD } })).statusCode, 200, 'nothing changed')
  })

  test(`${mode}: a wrong current password or a short new one changes nothing`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'carol')
    const session = await loginWithTokens(app, 'carol')
    const wrong = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: { current_password: 'not it', new_password: NEW_PASSWORD } })
    t.equal(wrong.statusCode, 401)
    t.equal(wrong.json().code, 'AUTH_INVALID_CREDENTIALS')
    const short = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: { current_password: PASSWORD, new_password: 'short' } })
    t.equal(short.statusCode, 400)
    t.equal(short.json().code, 'FST_ERR_VALIDATION')
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carol', password: PASSWORD } })).statusCode, 200)
  })
}

for (const mode of MODES) {
  test(`${mode}: a common password is refused by the self-service change too`, async (t) => {
    const app = await build(t, { mode })
    await createUser(app, 'dave')
    const session = await loginWithTokens(app, 'dave')
    const res = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: { current_password: PASSWORD, new_password: 'password123' } })
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'WEAK_PASSWORD')
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'dave', password: PASSWORD } })).statusCode, 200, 'nothing changed')
  })
}

for (const mode of MODES) {
  test(`${mode}: wrong current passwords count as failed sign-ins, so a stolen session cannot guess the password`, async (t) => {
    const app = await build(t, { mode, env: { LOGIN_MAX_FAILURES_PER_USERNAME: '3' } })
    await createUser(app, 'erin')
    const session = await loginWithTokens(app, 'erin')
    for (let i = 0; i < 3; i++) {
      const wrong = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: { current_password: `guess ${i}`, new_password: NEW_PASSWORD } })
      t.equal(wrong.statusCode, 401)
    }
    const blocked = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: { current_password: PASSWORD, new_password: NEW_PASSWORD } })
    t.equal(blocked.statusCode, 429)
    t.equal(blocked.json().code, 'RATE_LIMITED')
    t.ok(Number(blocked.headers['retry-after']) > 0)
  })
}
