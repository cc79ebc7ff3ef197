/**
 * Writes that meet a stalled Redis (SIGSTOP of the server, or CLIENT PAUSE ... WRITE, which is what a failover
 * does to writes): the request answers 503, and its retry completes it. A logout retried ends the session for
 * good; a refresh retried is a retry of the same rotation, never reuse.
 */
import { test } from 'tap'
import { build } from '../helper.js'
import { bearer, createUser, loginWithTokens } from '../support/auth.js'
import { privateLocation } from '../support/private-location.js'
import { within } from '../support/poll.js'
import { decodeClaims } from '../support/tokens.js'
import type { SecurityEvent } from '../../src/security-events.js'

async function appOn (t: Parameters<typeof build>[0], location: Awaited<ReturnType<typeof privateLocation>>, env: Record<string, string> = {}) {
  const app = await build(t, { mode: 'redis', location, env })
  const events: SecurityEvent[] = []
  app.onSecurityEvent((event) => events.push(event))
  return { app, events }
}

const ready = async (app: Awaited<ReturnType<typeof appOn>>['app']) =>
  await within(10_000, async () => (await app.inject('/health/ready')).statusCode === 200)

for (const stall of ['SIGSTOP', 'CLIENT PAUSE WRITE'] as const) {
  test(`redis, ${stall}: a logout answered 503 and retried ends the session for good, refresh token included`, async (t) => {
    const location = await privateLocation(t)
    const { app } = await appOn(t, location, { ACCESS_TOKEN_TTL: '3s', REFRESH_REUSE_GRACE: '1s' })
    await createUser(app, 'alice')
    const session = await loginWithTokens(app, 'alice')
    const { sid } = decodeClaims(session.accessToken).payload as { sid: string }

    if (stall === 'SIGSTOP') location.server.signal('SIGSTOP')
    else await location.admin.call('CLIENT', 'PAUSE', '2000', 'WRITE')
    const stalled = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })
    t.equal(stalled.statusCode, 503, 'the store did not answer in time')
    t.equal(stalled.json().code, 'SERVICE_UNAVAILABLE')
    if (stall === 'SIGSTOP') location.server.signal('SIGCONT')
    await location.admin.set(`${location.prefix}probe`, '1') // a write returns once the stall is over
    t.ok(await ready(app) >= 0, 'serving again by itself')

    const retried = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })
    t.ok([204, 401].includes(retried.statusCode), `the retry answers ${retried.statusCode}: signed out either way`)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 401)

    // The revocation covers the refresh token for as long as it can live, not only the access token.
    const refreshExp = Number(decodeClaims(session.refreshToken).payload.exp)
    const revokedUntil = Number(await location.admin.call('EXPIRETIME', `${location.prefix}{revocations}:session:${sid}`))
    t.ok(revokedUntil >= refreshExp, `revoked until ${revokedUntil}, the refresh token expires at ${refreshExp}`)
    const refresh = async () => (await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })).statusCode
    t.equal(await refresh(), 401, 'the refresh token is refused')
    if (stall === 'CLIENT PAUSE WRITE') {
      // Past the access token's lifetime and the skew, where the old revocation had already lapsed.
      await new Promise((resolve) => setTimeout(resolve, 9000))
      t.equal(await refresh(), 401, 'and still refused once every access token of the session has expired')
    }
  })
}

test('redis, CLIENT PAUSE WRITE: a refresh answered 503 and retried is a retry: the same chain, no reuse, the session lives', async (t) => {
  const location = await privateLocation(t)
  const { app, events } = await appOn(t, location)
  await createUser(app, 'bob')
  const session = await loginWithTokens(app, 'bob')

  await location.admin.call('CLIENT', 'PAUSE', '2500', 'WRITE')
  const stalled = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })
  t.equal(stalled.statusCode, 503)
  await location.admin.set(`${location.prefix}probe`, '1') // a write returns once the pause is over
  t.ok(await ready(app) >= 0)

  const retry = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })
  t.equal(retry.statusCode, 200, 'the retry answers new tokens')
  const again = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })
  t.equal(again.statusCode, 200, 'so does a second retry within the grace')
  const jti = (token: string) => String(decodeClaims(token).payload.jti)
  t.equal(jti(again.json().refresh_token), jti(retry.json().refresh_token), 'one chain: the same next refresh token id')
  const { sid } = decodeClaims(session.accessToken).payload as { sid: string }
  t.equal(await location.admin.hget(`${location.prefix}session:${sid}`, 'refreshJti'), jti(retry.json().refresh_token), 'the one the session holds')
  t.notOk(events.includes('refresh.reuse_detected'), 'no reuse was detected')
  t.ok(events.includes('refresh.retried'), 'the retries are logged as such')

  const next = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: retry.json().refresh_token } })
  t.equal(next.statusCode, 200, 'the session goes on with the retried answer\'s refresh token')
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(next.json().access_token) })).statusCode, 200)
})

test('redis: two instances racing the same refresh token answer one chain, and revoke nothing', async (t) => {
  const location = await privateLocation(t)
  const first = await appOn(t, location)
  const second = await appOn(t, location)
  await createUser(first.app, 'carol')
  const session = await loginWithTokens(first.app, 'carol')
  const answers = await Promise.all([first.app, second.app, first.app, second.app].map(async (app) =>
    await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } })))
  t.same(answers.map((res) => res.statusCode), [200, 200, 200, 200])
  t.equal(new Set(answers.map((res) => decodeClaims(res.json().refresh_token).payload.jti)).size, 1, 'every answer carries the same next refresh token id')
  t.equal([...first.events, ...second.events].filter((event) => event === 'refresh.reuse_detected').length, 0)
  const latest = answers[0]?.json().refresh_token as string
  t.equal((await first.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: latest } })).statusCode, 200)
})
