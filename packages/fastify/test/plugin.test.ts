/** The plugin as a service registers it: failing closed while gatehouse's JWKS is away, and routes it cannot see. */
import { test } from 'tap'
import { createServer, type Server } from 'node:http'
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { createSigner } from 'fast-jwt'
import gatehouseAuth from '../src/index.js'

const ISSUER = 'gatehouse'
const AUDIENCE = 'gatehouse'

function ecKey () {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
}

function accessToken (privateKey: KeyObject, kid: string, claims: Record<string, unknown> = {}) {
  const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', kid, header: { alg: 'ES256', typ: 'at+jwt' }, iss: ISSUER, aud: AUDIENCE, expiresIn: 60_000 })
  return sign({ sub: 'u-1', jti: randomUUID(), type: 'access', roles: ['admin'], fresh: false, ...claims })
}

/** A JWKS endpoint that can be down (connection refused) and come up later on the same port. */
async function jwksEndpoint (t: { teardown (fn: () => unknown): void }, publicKey: KeyObject, kid: string) {
  let server: Server | undefined
  const placeholder = createServer()
  await new Promise<void>((resolve) => placeholder.listen(0, '127.0.0.1', resolve))
  const { port } = placeholder.address() as AddressInfo
  await new Promise((resolve) => placeholder.close(resolve))
  const body = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] })
  const endpoint = {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    async up () {
      server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body))
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve))
    }
  }
  t.teardown(async () => await new Promise((resolve) => server === undefined ? resolve(undefined) : server.close(resolve)))
  return endpoint
}

/** Log lines as objects, for asserting what the service was told. */
function capturedLogs () {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    }
  })
  return { lines, logger: { level: 'info', stream } }
}

test('while the JWKS has never been reachable: 503 SERVICE_UNAVAILABLE, a warning naming the URL, and service within seconds of it coming up', async (t) => {
  const { privateKey, publicKey } = ecKey()
  const endpoint = await jwksEndpoint(t, publicKey, 'k1')
  const { lines, logger } = capturedLogs()
  const app = Fastify({ logger })
  await app.register(gatehouseAuth, { jwksUrl: endpoint.url, issuer: ISSUER, audience: AUDIENCE, jwks: { firstRetryMs: 50, maxRetryMs: 200 } })
  app.get('/admin', { config: { auth: { roles: ['admin'] } } }, async () => ({ ok: true }))
  t.teardown(async () => await app.close())
  await app.ready()
  const token = accessToken(privateKey, 'k1')

  const refused = await app.inject({ url: '/admin', headers: { authorization: `Bearer ${token}` } })
  t.equal(refused.statusCode, 503, 'not 401: the token is not at fault')
  t.equal(refused.json().code, 'SERVICE_UNAVAILABLE')
  const warning = lines.find((line) => line.level === 40 && line.jwksUrl === endpoint.url)
  t.ok(warning, 'a warning names the JWKS URL')
  t.match(warning?.err, /fetch failed|ECONNREFUSED/)

  await endpoint.up()
  const cameUp = Date.now()
  let status = 0
  while (status !== 200 && Date.now() - cameUp < 5000) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    status = (await app.inject({ url: '/admin', headers: { authorization: `Bearer ${token}` } })).statusCode
  }
  t.equal(status, 200, 'served again by itself soon after the JWKS came up')
  t.ok(Date.now() - cameUp < 1000, `within the backoff (${Date.now() - cameUp} ms)`)
  const forged = await app.inject({ url: '/admin', headers: { authorization: `Bearer ${accessToken(privateKey, 'unknown-kid')}` } })
  t.equal(forged.statusCode, 401, 'with the JWKS reachable, an unknown kid is 401')
  t.equal(forged.json().code, 'AUTH_INVALID_TOKEN')
})

test('without redis, a warning at start says revoked tokens pass until they expire', async (t) => {
  const { publicKey } = ecKey()
  const { lines, logger } = capturedLogs()
  const app = Fastify({ logger })
  await app.register(gatehouseAuth, { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), issuer: ISSUER, audience: AUDIENCE })
  t.teardown(async () => await app.close())
  await app.ready()
  const warning = lines.find((line) => typeof line.msg === 'string' && line.msg.includes('revoked tokens pass until they expire'))
  t.equal(warning?.level, 40, 'logged as a warning')
})

test('a protected route at the root, out of sight of the plugin registered in a child context, stops the service from starting', async (t) => {
  const { publicKey } = ecKey()
  const app = Fastify()
  app.register(async (scope) => {
    await scope.register(gatehouseAuth, { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), issuer: ISSUER, audience: AUDIENCE })
    scope.get('/inside', { config: { auth: { roles: ['admin'] } } }, async () => ({ ok: true }))
  })
  app.get('/admin', { config: { auth: { roles: ['admin'] } } }, async () => ({ ok: true }))
  t.teardown(async () => await app.close())
  await t.rejects(async () => { await app.ready() }, /GET \/admin, HEAD \/admin declare config\.auth outside the context @gatehouse-auth\/fastify is registered in/)
})

test('a protected route in a sibling context is refused the same way; a public one is not', async (t) => {
  const { publicKey } = ecKey()
  const app = Fastify()
  app.register(async (scope) => {
    await scope.register(gatehouseAuth, { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), issuer: ISSUER, audience: AUDIENCE })
  })
  app.register(async (sibling) => {
    sibling.get('/health', { config: { auth: 'public' } }, async () => ({ ok: true }))
    sibling.post('/orders', { config: { auth: { scopes: ['orders:write'] } } }, async () => ({ ok: true }))
  })
  t.teardown(async () => await app.close())
  await t.rejects(async () => { await app.ready() }, /POST \/orders declares config\.auth outside the context/)
})

test('registered at the root, before or after a route plugin, every protected route is checked and the app starts', async (t) => {
  const { privateKey, publicKey } = ecKey()
  const app = Fastify()
  await app.register(gatehouseAuth, { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), issuer: ISSUER, audience: AUDIENCE })
  app.register(async (routes) => {
    routes.get('/admin', { config: { auth: { roles: ['admin'] } } }, async (request) => ({ sub: request.requireClaims().sub }))
  }, { prefix: '/api' })
  t.teardown(async () => await app.close())
  await app.ready()
  t.equal((await app.inject('/api/admin')).statusCode, 401)
  const res = await app.inject({ url: '/api/admin', headers: { authorization: `Bearer ${accessToken(privateKey, 'any')}` } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { sub: 'u-1' })
})

test('the access token cookie is read without a cookie plugin, and two of them are refused', async (t) => {
  const { privateKey, publicKey } = ecKey()
  const app = Fastify()
  await app.register(gatehouseAuth, { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), issuer: ISSUER, audience: AUDIENCE })
  app.get('/me', { config: { auth: {} } }, async (request) => ({ sub: request.requireClaims().sub }))
  t.teardown(async () => await app.close())
  const token = accessToken(privateKey, 'any')
  t.equal((await app.inject({ url: '/me', headers: { cookie: `theme=dark; access_token=${token}` } })).statusCode, 200)
  const twice = await app.inject({ url: '/me', headers: { cookie: `access_token=${token}; access_token=${accessToken(privateKey, 'any', { sub: 'u-2' })}` } })
  t.equal(twice.statusCode, 401)
  t.equal(twice.json().code, 'AUTH_INVALID_TOKEN')
})
