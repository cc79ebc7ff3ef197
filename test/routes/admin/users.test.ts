/** /admin/users: admins manage users; hashes never leave, changes revoke tokens at once, and one admin always remains. */
import { test } from 'tap'
import type { HTTPMethods } from 'fastify'
import { build, MODES } from '../../helper.js'
import { bearer, loginWithTokens, PASSWORD, signedInUser, type TestApp, type TokenSession } from '../../support/auth.js'

const NEW_PASSWORD = 'a brand new passphrase'
const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000'
const USER_FIELDS = ['created_at', 'disabled', 'id', 'roles', 'updated_at', 'username']

async function call (app: TestApp, token: string, method: HTTPMethods, url: string, payload?: Record<string, unknown>) {
  return await app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) })
}

async function createThroughApi (app: TestApp, admin: TokenSession, username: string, roles: string[] = [], password = PASSWORD) {
  const res = await call(app, admin.accessToken, 'POST', '/admin/users', { username, password, roles })
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

async function login (app: TestApp, username: string, password = PASSWORD) {
  return await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, mode: 'token' } })
}

async function meStatus (app: TestApp, token: string) {
  const res = await app.inject({ url: '/auth/me', headers: bearer(token) })
  return { statusCode: res.statusCode, code: res.statusCode === 200 ? undefined : res.json().code }
}

async function refreshStatus (app: TestApp, refreshToken: string) {
  return (await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken } })).statusCode
}

async function listAll (app: TestApp, token: string) {
  return (await call(app, token, 'GET', '/admin/users?limit=500')).json().users
}

for (const mode of MODES) {
  test(`${mode}: a user can be created disabled, and cannot sign in until enabled`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const res = await app.inject({ method: 'POST', url: '/admin/users', headers: bearer(admin.accessToken), payload: { username: 'later', password: 'a fine passphrase', disabled: true } })
    t.equal(res.statusCode, 201)
    t.equal(res.json().disabled, true)
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'later', password: 'a fine passphrase' } })).statusCode, 401)
  })

  test(`${mode}: every /admin/users route refuses a missing token with 401 and a non-admin with 403`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const reader = await signedInUser(app, 'reader', ['editor'])
    const target = await createThroughApi(app, admin, 'target')
    const routes: Array<[HTTPMethods, string, Record<string, unknown>?]> = [
      ['GET', '/admin/users'],
      ['POST', '/admin/users', { username: 'intruder', password: PASSWORD }],
      ['GET', `/admin/users/${target.id}`],
      ['PATCH', `/admin/users/${target.id}`, { disabled: true }],
      ['DELETE', `/admin/users/${target.id}`],
      ['DELETE', `/admin/users/${target.id}/sessions`]
    ]
    for (const [method, url, payload] of routes) {
      const anonymous = await app.inject({ method, url, ...(payload === undefined ? {} : { payload }) })
      t.equal(anonymous.statusCode, 401, `${method} ${url} without a token`)
      t.equal(anonymous.json().code, 'AUTH_MISSING_TOKEN', `${method} ${url} without a token`)
      t.match(anonymous.headers['www-authenticate'], /^Bearer /, `${method} ${url} challenges`)
      const forbidden = await call(app, reader.accessToken, method, url, payload)
      t.equal(forbidden.statusCode, 403, `${method} ${url} as a non-admin`)
      t.equal(forbidden.json().code, 'AUTH_FORBIDDEN', `${method} ${url} as a non-admin`)
    }
    const after = await call(app, admin.accessToken, 'GET', `/admin/users/${target.id}`)
    t.equal(after.statusCode, 200, 'the target still exists')
    t.equal(after.json().disabled, false, 'the target is still enabled')
    t.equal((await login(app, 'intruder')).statusCode, 401, 'no user was created')
  })

  test(`${mode}: POST creates a user whose reply never holds the password or a hash, and who can sign in`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const res = await call(app, admin.accessToken, 'POST', '/admin/users', { username: 'alice', password: PASSWORD, roles: ['editor', 'viewer'] })
    t.equal(res.statusCode, 201)
    const body = res.json()
    t.same(Object.keys(body).sort(), USER_FIELDS, 'exactly the public fields')
    t.match(body, { id: /^[0-9a-f-]{36}$/, username: 'alice', roles: ['editor', 'viewer'], disabled: false, created_at: String, updated_at: String })
    t.notOk(res.body.includes(PASSWORD), 'the password is not echoed')
    t.notOk(res.body.includes('$argon2'), 'no argon2 hash')
    t.notOk(/hash|password/i.test(res.body), 'no hash or password field')
    const fetched = await call(app, admin.accessToken, 'GET', `/admin/users/${body.id}`)
    t.equal(fetched.statusCode, 200)
    t.same(fetched.json(), body, 'GET answers the same user')
    t.notOk(fetched.body.includes('$argon2'), 'GET shows no hash either')
    const listed = await call(app, admin.accessToken, 'GET', '/admin/users')
    t.notOk(listed.body.includes('$argon2'), 'the list shows no hash either')
    const signedIn = await login(app, 'alice')
    t.equal(signedIn.statusCode, 200, 'the new user signs in')
    t.same(signedIn.json().user, { id: body.id, username: 'alice', roles: ['editor', 'viewer'] })
  })

  test(`${mode}: POST without roles creates a user with none`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const res = await call(app, admin.accessToken, 'POST', '/admin/users', { username: 'plain', password: PASSWORD })
    t.equal(res.statusCode, 201)
    t.same(res.json().roles, [])
  })

  test(`${mode}: a username taken in another case is refused with 409 USERNAME_TAKEN and nothing changes`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const alice = await createThroughApi(app, admin, 'alice', ['editor'])
    const before = await listAll(app, admin.accessToken)
    const res = await call(app, admin.accessToken, 'POST', '/admin/users', { username: 'ALICE', password: NEW_PASSWORD, roles: ['admin'] })
    t.equal(res.statusCode, 409)
    t.equal(res.json().code, 'USERNAME_TAKEN')
    t.same(await listAll(app, admin.accessToken), before, 'the user list is unchanged')
    t.same((await call(app, admin.accessToken, 'GET', `/admin/users/${alice.id}`)).json(), alice, 'alice is unchanged')
    t.equal((await login(app, 'alice')).statusCode, 200, 'the original password still works')
    t.equal((await login(app, 'alice', NEW_PASSWORD)).statusCode, 401, 'the second password was not stored')
  })

  test(`${mode}: a username that is empty, has a space, is 65 characters long or starts with '-' is refused with 400`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    for (const username of ['', 'has space', 'a'.repeat(65), '-leading']) {
      const res = await call(app, admin.accessToken, 'POST', '/admin/users', { username, password: PASSWORD })
      t.equal(res.statusCode, 400, JSON.stringify(username))
      t.equal(res.json().code, 'FST_ERR_VALIDATION', JSON.stringify(username))
    }
    t.equal((await listAll(app, admin.accessToken)).length, 1, 'no user was created')
    const longest = await call(app, admin.accessToken, 'POST', '/admin/users', { username: 'a'.repeat(64), password: PASSWORD })
    t.equal(longest.statusCode, 201, '64 characters are accepted')
  })

  test(`${mode}: a 7-character password is a 400 FST_ERR_VALIDATION and a common one a 400 WEAK_PASSWORD`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const short = await call(app, admin.accessToken, 'POST', '/admin/users', { username: 'shorty', password: 'abcdefg' })
    t.equal(short.statusCode, 400)
    t.equal(short.json().code, 'FST_ERR_VALIDATION')
    for (const password of ['password123', 'Password123']) {
      const weak = await call(app, admin.accessToken, 'POST', '/admin/users', { username: 'weakling', password })
      t.equal(weak.statusCode, 400, password)
      t.equal(weak.json().code, 'WEAK_PASSWORD', password)
    }
    t.equal((await listAll(app, admin.accessToken)).length, 1, 'no user was created')
  })

  test(`${mode}: GET /admin/users pages with next_cursor until null, showing every user once in creation order`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const created = []
    for (let i = 1; i <= 5; i++) created.push(await createThroughApi(app, admin, `user${i}`))
    const expected = [admin.userId, ...created.map((user) => user.id)]
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor === null ? 'limit=2' : `limit=2&cursor=${encodeURIComponent(cursor)}`
      const res = await call(app, admin.accessToken, 'GET', `/admin/users?${query}`)
      t.equal(res.statusCode, 200)
      const body = res.json()
      t.ok(body.users.length <= 2, 'a page holds at most limit users')
      seen.push(...body.users.map((user: { id: string }) => user.id))
      cursor = body.next_cursor
      pages++
    } while (cursor !== null && pages < 10)
    t.equal(pages, 3, 'six users in pages of two')
    t.same(seen, expected, 'every user once, in creation order')
  })

  test(`${mode}: a limit of 0 or 501 or an empty cursor is refused with 400`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    for (const query of ['limit=0', 'limit=501', 'cursor=', 'limit=abc', 'unknown=1']) {
      const res = await call(app, admin.accessToken, 'GET', `/admin/users?${query}`)
      t.equal(res.statusCode, 400, query)
      t.equal(res.json().code, 'FST_ERR_VALIDATION', query)
    }
    t.equal((await call(app, admin.accessToken, 'GET', '/admin/users?limit=500')).statusCode, 200, 'limit=500 is accepted')
  })

  test(`${mode}: an unknown user id answers 404 NOT_FOUND on GET, PATCH, DELETE and DELETE sessions`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const routes: Array<[HTTPMethods, string, Record<string, unknown>?]> = [
      ['GET', `/admin/users/${UNKNOWN_ID}`],
      ['PATCH', `/admin/users/${UNKNOWN_ID}`, { disabled: true }],
      ['DELETE', `/admin/users/${UNKNOWN_ID}`],
      ['DELETE', `/admin/users/${UNKNOWN_ID}/sessions`]
    ]
    for (const [method, url, payload] of routes) {
      const res = await call(app, admin.accessToken, method, url, payload)
      t.equal(res.statusCode, 404, `${method} ${url}`)
      t.equal(res.json().code, 'NOT_FOUND', `${method} ${url}`)
    }
  })

  const changes: Array<[string, Record<string, unknown>]> = [
    ['roles', { roles: ['editor', 'auditor'] }],
    ['password', { password: NEW_PASSWORD }],
    ['disabled', { disabled: true }]
  ]
  for (const [field, patch] of changes) {
    test(`${mode}: PATCH ${field} revokes that user's tokens at once, and no one else's`, async (t) => {
      const app = await build(t, { mode })
      const admin = await signedInUser(app, 'root', ['admin'])
      const alice = await signedInUser(app, 'alice', ['editor'])
      const aliceAgain = await loginWithTokens(app, 'alice')
      const bob = await signedInUser(app, 'bob', ['editor'])
      const res = await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, patch)
      t.equal(res.statusCode, 200)
      t.same(Object.keys(res.json()).sort(), USER_FIELDS)
      t.notOk(res.body.includes('$argon2'), 'no hash in the reply')
      for (const session of [alice, aliceAgain]) {
        t.same(await meStatus(app, session.accessToken), { statusCode: 401, code: 'AUTH_TOKEN_REVOKED' }, 'the access token is revoked')
        t.equal(await refreshStatus(app, session.refreshToken), 401, 'the refresh token is refused')
      }
      t.same(await meStatus(app, bob.accessToken), { statusCode: 200, code: undefined }, 'another user keeps working')
      t.equal(await refreshStatus(app, bob.refreshToken), 200, 'another user still refreshes')
      t.same(await meStatus(app, admin.accessToken), { statusCode: 200, code: undefined }, 'the admin keeps working')
    })
  }

  test(`${mode}: PATCH roles changes what new tokens say`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const alice = await signedInUser(app, 'alice', ['editor'])
    const res = await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, { roles: ['auditor'] })
    t.same(res.json().roles, ['auditor'])
    t.same((await login(app, 'alice')).json().user.roles, ['auditor'])
  })

  test(`${mode}: a PATCH that changes nothing a token says keeps the user's sessions`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const alice = await signedInUser(app, 'alice', ['editor'])
    t.equal((await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, { disabled: false })).statusCode, 200)
    t.equal((await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, { roles: ['editor'] })).statusCode, 200)
    t.same(await meStatus(app, alice.accessToken), { statusCode: 200, code: undefined })
  })

  test(`${mode}: after PATCH password the user signs in with the new password only`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const alice = await signedInUser(app, 'alice')
    const res = await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, { password: NEW_PASSWORD })
    t.equal(res.statusCode, 200)
    t.notOk(res.body.includes(NEW_PASSWORD), 'the password is not echoed')
    const old = await login(app, 'alice')
    t.equal(old.statusCode, 401)
    t.equal(old.json().code, 'AUTH_INVALID_CREDENTIALS')
    t.equal((await login(app, 'alice', NEW_PASSWORD)).statusCode, 200)
  })

  test(`${mode}: a refused PATCH password (too short or too common) changes nothing and revokes nothing`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const alice = await signedInUser(app, 'alice')
    const short = await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, { password: 'abcdefg' })
    t.equal(short.statusCode, 400)
    t.equal(short.json().code, 'FST_ERR_VALIDATION')
    const weak = await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, { password: 'password123' })
    t.equal(weak.statusCode, 400)
    t.equal(weak.json().code, 'WEAK_PASSWORD')
    t.same(await meStatus(app, alice.accessToken), { statusCode: 200, code: undefined }, 'the session lives')
    t.equal((await login(app, 'alice')).statusCode, 200, 'the old password still works')
  })

  test(`${mode}: PATCH with an empty body or an unknown field is refused with 400 and changes nothing`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const alice = await signedInUser(app, 'alice', ['editor'])
    for (const payload of [{}, { username: 'mallory' }, { disabled: true, is_admin: true }]) {
      const res = await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, payload)
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.equal(res.json().code, 'FST_ERR_VALIDATION', JSON.stringify(payload))
    }
    t.match((await call(app, admin.accessToken, 'GET', `/admin/users/${alice.userId}`)).json(), { username: 'alice', disabled: false, roles: ['editor'] })
    t.same(await meStatus(app, alice.accessToken), { statusCode: 200, code: undefined })
  })

  test(`${mode}: a disabled user cannot sign in, and signs in again once re-enabled`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const alice = await signedInUser(app, 'alice')
    const disabled = await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, { disabled: true })
    t.equal(disabled.json().disabled, true)
    const refused = await login(app, 'alice')
    t.equal(refused.statusCode, 401)
    t.equal(refused.json().code, 'AUTH_INVALID_CREDENTIALS')
    const enabled = await call(app, admin.accessToken, 'PATCH', `/admin/users/${alice.userId}`, { disabled: false })
    t.equal(enabled.statusCode, 200)
    t.equal(enabled.json().disabled, false)
    const back = await login(app, 'alice')
    t.equal(back.statusCode, 200)
    t.same(await meStatus(app, back.json().access_token), { statusCode: 200, code: undefined })
  })

  test(`${mode}: DELETE removes the user: 204, tokens refused, no sign-in, and the username is free again`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const alice = await signedInUser(app, 'alice', ['editor'])
    const bob = await signedInUser(app, 'bob')
    const res = await call(app, admin.accessToken, 'DELETE', `/admin/users/${alice.userId}`)
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    t.same(await meStatus(app, alice.accessToken), { statusCode: 401, code: 'AUTH_TOKEN_REVOKED' })
    t.equal(await refreshStatus(app, alice.refreshToken), 401)
    const refused = await login(app, 'alice')
    t.equal(refused.statusCode, 401)
    t.equal(refused.json().code, 'AUTH_INVALID_CREDENTIALS')
    t.equal((await call(app, admin.accessToken, 'GET', `/admin/users/${alice.userId}`)).statusCode, 404)
    t.equal((await call(app, admin.accessToken, 'DELETE', `/admin/users/${alice.userId}`)).statusCode, 404, 'deleting twice is 404')
    t.same(await meStatus(app, bob.accessToken), { statusCode: 200, code: undefined }, 'another user keeps working')
    const again = await call(app, admin.accessToken, 'POST', '/admin/users', { username: 'Alice', password: NEW_PASSWORD })
    t.equal(again.statusCode, 201, 'the username can be created again')
    t.not(again.json().id, alice.userId, 'as a new user')
    t.equal((await login(app, 'alice', NEW_PASSWORD)).statusCode, 200, 'the new user signs in')
    t.same(await meStatus(app, alice.accessToken), { statusCode: 401, code: 'AUTH_TOKEN_REVOKED' }, 'the old token stays refused')
  })

  test(`${mode}: DELETE /admin/users/:id/sessions answers how many sessions it revoked and revokes them`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const sessions = [await signedInUser(app, 'alice'), await loginWithTokens(app, 'alice'), await loginWithTokens(app, 'alice')]
    const bob = await signedInUser(app, 'bob')
    const userId = sessions[0]?.userId ?? ''
    const res = await call(app, admin.accessToken, 'DELETE', `/admin/users/${userId}/sessions`)
    t.equal(res.statusCode, 200)
    t.same(res.json(), { revoked_sessions: 3 })
    for (const session of sessions) {
      t.same(await meStatus(app, session.accessToken), { statusCode: 401, code: 'AUTH_TOKEN_REVOKED' })
      t.equal(await refreshStatus(app, session.refreshToken), 401)
    }
    t.same(await meStatus(app, bob.accessToken), { statusCode: 200, code: undefined }, 'another user keeps working')
    t.same((await call(app, admin.accessToken, 'DELETE', `/admin/users/${userId}/sessions`)).json(), { revoked_sessions: 0 }, 'none left')
    const back = await login(app, 'alice')
    t.equal(back.statusCode, 200, 'the user can sign in again')
    t.same(await meStatus(app, back.json().access_token), { statusCode: 200, code: undefined })
  })

  test(`${mode}: the last enabled admin cannot be disabled, demoted or deleted (409 LAST_ADMIN) and keeps working`, async (t) => {
    const app = await build(t, { mode })
    const root = await signedInUser(app, 'root', ['admin'])
    const before = (await call(app, root.accessToken, 'GET', `/admin/users/${root.userId}`)).json()
    const attempts: Array<[HTTPMethods, Record<string, unknown>?]> = [
      ['PATCH', { disabled: true }],
      ['PATCH', { roles: [] }],
      ['PATCH', { roles: ['editor'] }],
      ['PATCH', { roles: ['editor'], password: NEW_PASSWORD }],
      ['DELETE']
    ]
    for (const [method, payload] of attempts) {
      const what = `${method} ${payload === undefined ? '' : JSON.stringify(payload)}`
      const res = await call(app, root.accessToken, method, `/admin/users/${root.userId}`, payload)
      t.equal(res.statusCode, 409, what)
      t.equal(res.json().code, 'LAST_ADMIN', what)
    }
    t.same((await call(app, root.accessToken, 'GET', `/admin/users/${root.userId}`)).json(), before, 'nothing changed')
    t.equal((await call(app, root.accessToken, 'GET', '/admin/users')).statusCode, 200, 'its token still works')
    t.equal((await login(app, 'root')).statusCode, 200, 'its password is unchanged')
  })

  test(`${mode}: a disabled second admin does not count, an enabled one lets the first be demoted`, async (t) => {
    const app = await build(t, { mode })
    const root = await signedInUser(app, 'root', ['admin'])
    const second = await createThroughApi(app, root, 'second', ['admin'])
    await call(app, root.accessToken, 'PATCH', `/admin/users/${second.id}`, { disabled: true })
    const stillLast = await call(app, root.accessToken, 'PATCH', `/admin/users/${root.userId}`, { roles: [] })
    t.equal(stillLast.statusCode, 409, 'a disabled admin is no admin')
    t.equal(stillLast.json().code, 'LAST_ADMIN')
    t.equal((await call(app, root.accessToken, 'PATCH', `/admin/users/${second.id}`, { disabled: false })).statusCode, 200)
    const demoted = await call(app, root.accessToken, 'PATCH', `/admin/users/${root.userId}`, { roles: [] })
    t.equal(demoted.statusCode, 200)
    t.same(demoted.json().roles, [])
    t.same(await meStatus(app, root.accessToken), { statusCode: 401, code: 'AUTH_TOKEN_REVOKED' }, 'the demoted admin\'s token is revoked')
    const secondSession = await loginWithTokens(app, 'second')
    const now = await call(app, secondSession.accessToken, 'DELETE', `/admin/users/${second.id}`)
    t.equal(now.statusCode, 409, 'the second admin is now the last one')
    t.equal(now.json().code, 'LAST_ADMIN')
    const rootAgain = await loginWithTokens(app, 'root')
    t.equal((await call(app, rootAgain.accessToken, 'GET', '/admin/users')).statusCode, 403, 'the demoted user is no admin')
  })
}
