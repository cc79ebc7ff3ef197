/** CORS: listed origins get credentialed CORS answers and preflights; every other origin gets no CORS header. */
import { test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { build } from '../../helper.js'

const LISTED = 'http://127.0.0.1:5173'
const UNLISTED = 'http://127.0.0.1:5174'
const env = { CORS_ORIGINS: LISTED }

function corsHeaders (res: LightMyRequestResponse): string[] {
  return Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))
}

function preflight (origin: string) {
  return {
    method: 'OPTIONS' as const,
    url: '/auth/login',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' }
  }
}

test('a listed origin gets its own origin back, with credentials allowed and Retry-After exposed', async (t) => {
  const app = await build(t, { mode: 'embedded', env })
  const res = await app.inject({ url: '/health/live', headers: { origin: LISTED } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['access-control-allow-origin'], LISTED)
  t.equal(res.headers['access-control-allow-credentials'], 'true')
  t.equal(res.headers['access-control-expose-headers'], 'Retry-After')
  t.match(res.headers.vary, /origin/i, 'caches keep answers to different origins apart')
})

test('an unlisted origin, or a request without Origin, gets no access-control header at all', async (t) => {
  const app = await build(t, { mode: 'embedded', env })
  for (const headers of [{ origin: UNLISTED }, { origin: 'null' }, { origin: `${LISTED}.evil.example` }, {}]) {
    const res = await app.inject({ url: '/health/live', headers })
    t.equal(res.statusCode, 200)
    t.same(corsHeaders(res), [], `origin ${headers.origin ?? '(none)'}`)
  }
})

test('a preflight from a listed origin answers 204 with the methods, headers and max-age, before any auth check', async (t) => {
  const app = await build(t, { mode: 'embedded', env })
  for (const url of ['/auth/login', '/auth/logout', '/admin/users']) {
    const res = await app.inject({ ...preflight(LISTED), url })
    t.equal(res.statusCode, 204, url)
    t.equal(res.headers['access-control-allow-origin'], LISTED)
    t.equal(res.headers['access-control-allow-credentials'], 'true')
    t.equal(res.headers['access-control-allow-methods'], 'GET, POST, PATCH, DELETE')
    t.equal(res.headers['access-control-allow-headers'], 'Content-Type, X-CSRF-Token')
    t.equal(res.headers['access-control-max-age'], '600')
    t.equal(res.headers['www-authenticate'], undefined)
    t.equal(res.body, '')
  }
})

test('a preflight from an unlisted origin gets no CORS header and is not found', async (t) => {
  const app = await build(t, { mode: 'embedded', env })
  const res = await app.inject(preflight(UNLISTED))
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'NOT_FOUND')
  t.same(corsHeaders(res), [])
})

test('error answers to a listed origin carry the CORS headers, so the app can read them', async (t) => {
  const app = await build(t, { mode: 'embedded', env })
  const res = await app.inject({ url: '/auth/me', headers: { origin: LISTED } })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'AUTH_MISSING_TOKEN')
  t.equal(res.headers['access-control-allow-origin'], LISTED)
  t.equal(res.headers['access-control-allow-credentials'], 'true')
})

test('without CORS_ORIGINS no origin gets CORS headers and no preflight succeeds', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const simple = await app.inject({ url: '/health/live', headers: { origin: LISTED } })
  t.same(corsHeaders(simple), [])
  const res = await app.inject(preflight(LISTED))
  t.ok(res.statusCode >= 400, 'answered like any unknown route') // the browser then refuses the real request
  t.same(corsHeaders(res), [])
})
