/** Security events: one structured line per event, with who and from where, and never a secret. */
import { test } from 'tap'
import { Writable } from 'node:stream'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithTokens, PASSWORD } from '../../support/auth.js'
import { loggerOptions } from '../../../src/logger.js'

interface EventLine { event: string, reqId?: string, ip?: string, user_id?: string, session_id?: string, target_user_id?: string, actor_id?: string, changes?: string[] }

for (const mode of MODES) {
  test(`${mode}: sign-ins, refresh reuse, logout and admin changes each log one event line, with no secret`, async (t) => {
    const lines: string[] = []
    const stream = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
    const app = await build(t, { mode, env: { REFRESH_REUSE_GRACE: '0' }, server: { logger: { ...loggerOptions({ LOG_LEVEL: 'info' }), stream } } })
    const admin = await createUser(app, 'root', ['admin'])
    const adminSession = await loginWithTokens(app, 'root')
    await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'root', password: 'a wrong password' } })
    const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: adminSession.refreshToken } })
    await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: adminSession.refreshToken } })
    const second = await loginWithTokens(app, 'root')
    const created = await app.inject({ method: 'POST', url: '/admin/users', headers: bearer(second.accessToken), payload: { username: 'bob', password: 'bob secret passphrase' } })
    await app.inject({ method: 'PATCH', url: `/admin/users/${created.json().id}`, headers: bearer(second.accessToken), payload: { roles: ['editor'] } })
    await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(second.accessToken) })
    await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: second.refreshToken } }) // revoked, not reused: no event

    const events = lines.map((line) => JSON.parse(line) as EventLine).filter((line) => line.event !== undefined)
    const byName = (name: string) => events.filter((line) => line.event === name)
    t.same(events.map((line) => line.event), ['login.succeeded', 'login.failed', 'refresh.succeeded', 'refresh.reuse_detected', 'login.succeeded', 'user.created', 'user.updated', 'logout'])
    t.match(byName('login.succeeded')[0], { user_id: admin.id, session_id: String, ip: '127.0.0.1', reqId: String })
    t.match(byName('login.failed')[0], { user_id: admin.id })
    t.match(byName('refresh.reuse_detected')[0], { user_id: admin.id, session_id: byName('login.succeeded')[0]?.session_id })
    t.match(byName('user.created')[0], { target_user_id: created.json().id, actor_id: admin.id })
    t.match(byName('user.updated')[0], { changes: ['roles'] })
    t.match(byName('logout')[0], { user_id: admin.id })

    const everything = lines.join('')
    const secrets = [PASSWORD, 'a wrong password', 'bob secret passphrase', adminSession.accessToken, adminSession.refreshToken, second.accessToken, refreshed.json().refresh_token]
    for (const secret of secrets) t.notOk(everything.includes(secret), 'no password or token in any log line')
  })
}
