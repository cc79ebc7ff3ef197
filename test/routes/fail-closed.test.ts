/** Redis away: protected routes, sign-in and refresh fail closed with 503, fast; the app recovers when Redis returns. */
import { test, type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { InjectOptions } from 'fastify'
import { build } from '../helper.js'
import { bearer, createUser, loginWithTokens, PASSWORD, signedInUser, type TestApp } from '../support/auth.js'
import { startRedisServer, testPrefix, type PrivateRedis } from '../support/redis-server.js'

// A request against an unreachable Redis must answer well inside this, not wait for a client timeout.
const PROMPT_MS = 5000
// How long an instance may take to notice that Redis went away (the shared-instances test allows 2 s too).
const DETECTION_MS = 2000

async function timed (app: TestApp, options: InjectOptions) {
  const started = Date.now()
  const res = await app.inject(options)
  return { res, elapsed: Date.now() - started }
}

function assertUnavailable (t: Test, { res, elapsed }: Awaited<ReturnType<typeof timed>>, what: string) {
  t.equal(res.statusCode, 503, `${what}: 503, never 200 or 500`)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], `${what}: the error shape`)
  t.match(body, { statusCode: 503, code: 'SERVICE_UNAVAILABLE', error: 'Service Unavailable', message: String }, what)
  t.ok(elapsed < PROMPT_MS, `${what}: answered in ${elapsed} ms, no hang`)
}

/** Polls GET /auth/me with this token until `done(status)` or the time is up; answers the last status and when. */
async function meUntil (app: TestApp, token: string, ms: number, done: (status: number) => boolean) {
  const started = Date.now()
  let status = 0
  while (Date.now() - started <= ms) {
    status = (await app.inject({ url: '/auth/me', headers: bearer(token) })).statusCode
    if (done(status)) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { status, elapsed: Date.now() - started }
}

async function privateRedis (t: Test): Promise<{ redis: PrivateRedis, location: { dataDir: string, redisUrl: string, prefix: string } }> {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-data-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  return { redis, location: { dataDir, redisUrl: redis.url, prefix: testPrefix() } }
}

/**
 * A TCP relay to Redis that can be cut: the connections stay open, but nothing crosses until it heals (then
 * what was held is delivered in order). An instance behind it sees Redis as a network partition would show it.
 */
async function startRelay (port: number) {
  let cut = false
  const held: Array<() => void> = []
  const sockets = new Set<Socket>()
  const forward = (from: Socket, to: Socket) => from.on('data', (chunk: Buffer) => {
    if (cut) held.push(() => to.write(chunk))
    else to.write(chunk)
  })
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => { client.destroy(); upstream.destroy() })
    }
    forward(client, upstream)
    forward(upstream, client)
  })
  const relayPort = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    resolve(typeof address === 'object' && address !== null ? address.port : 0)
  }))
  return {
    url: `redis://127.0.0.1:${relayPort}`,
    cut () { cut = true },
    heal () {
      cut = false
      for (const deliver of held.splice(0)) deliver()
    },
    async close () {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

test('redis: with Redis down every request that needs it answers 503, and the app recovers when it returns', async (t) => {
  const { redis, location } = await privateRedis(t)
  const app = await build(t, { mode: 'redis', location })
  const session = await signedInUser(app, 'alice')
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200, 'signed in while Redis is up')

  await redis.stop()

  const refused = await meUntil(app, session.accessToken, DETECTION_MS, (status) => status !== 200)
  t.equal(refused.status, 503, `GET /auth/me is refused ${refused.elapsed} ms after Redis went away: the revocation check cannot be made`)
  assertUnavailable(t, await timed(app, { url: '/auth/me', headers: bearer(session.accessToken) }), 'GET /auth/me')
  assertUnavailable(t, await timed(app, { url: '/examples/dashboard', headers: bearer(session.accessToken) }), 'GET /examples/dashboard')
  assertUnavailable(t, await timed(app, { method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD, mode: 'token' } }), 'POST /auth/login')
  assertUnavailable(t, await timed(app, { method: 'POST', url: '/auth/login', payload: { username: 'alice', password: 'wrong password' } }), 'POST /auth/login with a wrong password')
  assertUnavailable(t, await timed(app, { method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } }), 'POST /auth/refresh')
  assertUnavailable(t, await timed(app, { method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) }), 'POST /auth/logout')
  assertUnavailable(t, await timed(app, { url: '/health/ready' }), 'GET /health/ready')

  const live = await timed(app, { url: '/health/live' })
  t.equal(live.res.statusCode, 200, 'live stays 200')
  t.ok(live.elapsed < PROMPT_MS, 'live answers at once')
  const jwks = await timed(app, { url: '/.well-known/jwks.json' })
  t.equal(jwks.res.statusCode, 200, 'the JWKS is served from memory')
  t.ok(Array.isArray(jwks.res.json().keys) && jwks.res.json().keys.length > 0, 'with the signing key')
  t.ok(jwks.elapsed < PROMPT_MS, 'the JWKS answers at once')

  await redis.start()
  // The private server comes back empty: the token still verifies (keys are in memory) and nothing revokes it.
  const back = await meUntil(app, session.accessToken, 10_000, (status) => status === 200)
  t.equal(back.status, 200, 'GET /auth/me answers 200 again within 10 s of Redis returning, without a restart')
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 200, 'ready again')
})

test('redis: an instance cut off from Redis (connections open, nothing answering) refuses, and never lets a revoked token through', async (t) => {
  const { redis, location } = await privateRedis(t)
  const relay = await startRelay(redis.port)
  t.teardown(async () => await relay.close())
  const a = await build(t, { mode: 'redis', location })
  const b = await build(t, { mode: 'redis', location: { ...location, redisUrl: relay.url } })
  await createUser(a, 'bob')
  const session = await loginWithTokens(a, 'bob')
  t.equal((await b.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200, 'B accepts the token while in touch')

  relay.cut()
  t.equal((await a.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })).statusCode, 204, 'A, still in touch, signs the session out')
  t.equal((await a.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).json().code, 'AUTH_TOKEN_REVOKED')

  assertUnavailable(t, await timed(b, { url: '/health/ready' }), 'B: GET /health/ready')
  const onB = await meUntil(b, session.accessToken, PROMPT_MS, (status) => status !== 200)
  t.equal(onB.status, 503, `B: the revoked token is refused with 503 (last answer ${onB.status} after ${onB.elapsed} ms)`)
  assertUnavailable(t, await timed(b, { url: '/examples/dashboard', headers: bearer(session.accessToken) }), 'B: GET /examples/dashboard')
  assertUnavailable(t, await timed(b, { method: 'POST', url: '/auth/login', payload: { username: 'bob', password: PASSWORD, mode: 'token' } }), 'B: POST /auth/login')
  assertUnavailable(t, await timed(b, { method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refreshToken } }), 'B: POST /auth/refresh')

  relay.heal()
  const healed = await meUntil(b, session.accessToken, 10_000, (status) => status === 401)
  t.equal(healed.status, 401, 'once B is back in touch, the token is revoked there too')
  t.equal((await b.inject({ url: '/health/ready' })).statusCode, 200, 'B is ready again without a restart')
})
