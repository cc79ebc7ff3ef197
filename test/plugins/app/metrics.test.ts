/** Prometheus metrics: off by default, on their own port when configured, and free of ids and secrets. */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithTokens } from '../../support/auth.js'

test('metrics are off unless METRICS_PORT is set, and never on the API port', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  t.equal(app.metricsUrl(), null)
  t.equal((await app.inject('/metrics')).statusCode, 404)
})

for (const mode of MODES) {
  test(`${mode}: requests, security events, the revocation view and Redis are measured`, async (t) => {
    const app = await build(t, { mode, env: { METRICS_PORT: '0' } })
    const user = await createUser(app, 'alice')
    const session = await loginWithTokens(app, 'alice')
    await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: 'wrong password' } })
    await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })
    await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })
    await app.inject(`/admin/users/${user.id}`)

    const url = app.metricsUrl()
    t.ok(url, 'listening on a port of its own')
    const res = await fetch(`${url ?? ''}/metrics`)
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /text\/plain/)
    const text = await res.text()
    t.match(text, /http_requests_total\{method="GET",route="\/auth\/me",status="200"\} 1/)
    t.match(text, /http_requests_total\{method="GET",route="\/admin\/users\/:id",status="401"\} 1/, 'route templates, not ids')
    t.match(text, /http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/auth\/login"/)
    t.match(text, /gatehouse_security_events_total\{event="login.succeeded"\} 1/)
    t.match(text, /gatehouse_security_events_total\{event="login.failed"\} 1/)
    t.match(text, /gatehouse_security_events_total\{event="logout"\} 1/)
    t.match(text, /gatehouse_revocation_view_entries 1/)
    t.match(text, /gatehouse_revocation_view_in_sync 1/)
    t.match(text, /gatehouse_revocation_view_lag_seconds 0/)
    t.match(text, new RegExp(`gatehouse_redis_connected ${mode === 'redis' ? 1 : 0}`))
    t.notOk(text.includes(user.id), 'no user id in any label')
    t.notOk(text.includes('alice'), 'no username in any label')
    t.equal((await fetch(`${url ?? ''}/other`)).status, 404)
  })
}
