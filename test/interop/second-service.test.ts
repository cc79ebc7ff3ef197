/**
 * A second Fastify service protected by the exported plugin, against a listening gatehouse: it accepts
 * gatehouse's tokens by their JWKS, answers the contract's codes and challenges, refuses expired and forged
 * tokens, sees revocations through the shared Redis, and fails closed when that Redis goes away.
 */
import { test, type Test } from 'tap'
import Fastify from 'fastify'
import { createSigner } from 'fast-jwt'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import gatehouseAuth, { type GatehouseAuthOptions } from '@gatehouse-auth/fastify'
import { build, MODES, type Mode } from '../helper.js'
import { bearer, signedInUser, type TestApp } from '../support/auth.js'
import { basicAuth, requestToken } from '../support/clients.js'
import { startRedisServer, testPrefix } from '../support/redis-server.js'
import type { TestLocation } from '../support/stores.js'
import { within } from '../support/poll.js'

/** gatehouse, listening on 127.0.0.1, and what a service needs to trust it. */
async function listeningGatehouse (t: Test, mode: Mode, location?: TestLocation) {
  const gatehouse = await build(t, { mode, ...(location === undefined ? {} : { location }) })
  const address = await gatehouse.listen({ port: 0, host: '127.0.0.1' })
  const trust = {
    jwksUrl: `${address}/.well-known/jwks.json`,
    issuer: 'gatehouse',
    audience: 'gatehouse',
    ...(mode === 'redis' ? { redis: gatehouse.location.redisUrl, redisPrefix: gatehouse.location.prefix } : {})
  } satisfies GatehouseAuthOptions
  return { gatehouse, trust }
}

/** The orders service: a scope-guarded route, a role-guarded one, and a public health check. */
async function ordersService (t: Test, options: GatehouseAuthOptions) {
  const service = Fastify()
  t.teardown(async () => await service.close())
  await service.register(gatehouseAuth, options)
  service.get('/orders', { config: { auth: { scopes: ['orders:read'] } } }, async (request) => ({ caller: request.requireClaims().sub, orders: [] }))
  service.get('/admin/report', { config: { auth: { roles: ['admin'] } } }, async (request) => ({ by: request.claims?.username }))
  service.get('/health', { config: { auth: 'public' } }, async () => ({ status: 'ok' }))
  await service.ready()
  return { service } // not the instance itself: it is thenable
}

/** A service token by the client credentials grant, for a client made through gatehouse's client admin. */
async function serviceToken (gatehouse: TestApp, scopes: string[]): Promise<{ token: string, clientId: string }> {
  const { client, secret } = await gatehouse.clientAdmin.create({ name: 'orders-reader', scopes })
  const res = await requestToken(gatehouse, { grant_type: 'client_credentials' }, basicAuth(client.id, secret))
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return { token: res.json().access_token, clientId: client.id }
}

/** An access token signed with gatehouse's own key, with the claims the test chooses. */
function signedByGatehouse (gatehouse: TestApp, claims: Record<string, unknown>): string {
  const key = gatehouse.keyRing.active
  const now = Math.floor(Date.now() / 1000)
  const sign = createSigner({ key: key.signWith, algorithm: key.alg, kid: key.kid, header: { alg: key.alg, typ: 'at+jwt' } })
  return sign({ iss: 'gatehouse', aud: 'gatehouse', sub: 'someone', iat: now, exp: now + 600, jti: randomUUID(), type: 'access', roles: ['admin'], fresh: false, ...claims })
}

for (const mode of MODES) {
  test(`${mode}: accepts a user token on the role route and a client-credentials token on the scope route`, async (t) => {
    const { gatehouse, trust } = await listeningGatehouse(t, mode)
    const { service } = await ordersService(t, trust)
    const admin = await signedInUser(gatehouse, 'root', ['admin'])
    const report = await service.inject({ url: '/admin/report', headers: bearer(admin.accessToken) })
    t.equal(report.statusCode, 200)
    t.same(report.json(), { by: 'root' })
    const { token, clientId } = await serviceToken(gatehouse, ['orders:read'])
    const orders = await service.inject({ url: '/orders', headers: bearer(token) })
    t.equal(orders.statusCode, 200)
    t.same(orders.json(), { caller: clientId, orders: [] })
    t.equal((await service.inject('/health')).statusCode, 200, 'the public route needs no token')
  })

  test(`${mode}: a token without the role or scope is forbidden (403 AUTH_FORBIDDEN)`, async (t) => {
    const { gatehouse, trust } = await listeningGatehouse(t, mode)
    const { service } = await ordersService(t, trust)
    const user = await signedInUser(gatehouse, 'dora')
    const { token } = await serviceToken(gatehouse, ['orders:write'])
    for (const [url, presented] of [['/admin/report', user.accessToken], ['/orders', user.accessToken], ['/admin/report', token], ['/orders', token]] as const) {
      const res = await service.inject({ url, headers: bearer(presented) })
      t.equal(res.statusCode, 403, url)
      t.match(res.json(), { statusCode: 403, code: 'AUTH_FORBIDDEN', error: 'Forbidden', message: /Missing (role admin|scope orders:read)/ })
    }
  })
}

test('a missing token answers 401 AUTH_MISSING_TOKEN with a bare Bearer challenge', async (t) => {
  const { trust } = await listeningGatehouse(t, 'embedded')
  const { service } = await ordersService(t, trust)
  for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }]) {
    const res = await service.inject({ url: '/orders', headers })
    t.equal(res.statusCode, 401)
    t.same(res.json(), { statusCode: 401, code: 'AUTH_MISSING_TOKEN', error: 'Unauthorized', message: 'No access token was sent' })
    t.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse"')
  }
})

test('invalid tokens answer 401 AUTH_INVALID_TOKEN with error="invalid_token"', async (t) => {
  const { gatehouse, trust } = await listeningGatehouse(t, 'embedded')
  const { service } = await ordersService(t, trust)
  const active = gatehouse.keyRing.active
  const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' })
  const now = Math.floor(Date.now() / 1000)
  const claims = { iss: 'gatehouse', aud: 'gatehouse', sub: 'mallory', iat: now, exp: now + 600, jti: randomUUID(), type: 'access', roles: ['admin'], fresh: false }
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const user = await signedInUser(gatehouse, 'erin', ['admin'])
  const forgeries: Record<string, string> = {
    garbage: 'not-a-jwt',
    'alg none': `${encode({ alg: 'none', kid: active.kid })}.${encode(claims)}.`,
    'HS256 keyed with the public key': createSigner({ key: String(active.verifyWith), algorithm: 'HS256', kid: active.kid })(claims),
    'another key under gatehouse\'s kid': createSigner({ key: stranger, algorithm: 'ES256', kid: active.kid })(claims),
    'another key under its own kid': createSigner({ key: stranger, algorithm: 'ES256', kid: 'mallory' })(claims),
    'a jku header': createSigner({ key: stranger, algorithm: 'ES256', kid: 'mallory', header: { alg: 'ES256', jku: 'http://127.0.0.1:1/jwks.json' } })(claims),
    'another audience': signedByGatehouse(gatehouse, { aud: 'billing' }),
    'another issuer': signedByGatehouse(gatehouse, { iss: 'impostor' }),
    'a refresh token': user.refreshToken
  }
  for (const [what, token] of Object.entries(forgeries)) {
    const res = await service.inject({ url: '/admin/report', headers: bearer(token) })
    t.equal(res.statusCode, 401, what)
    t.equal(res.json().code, 'AUTH_INVALID_TOKEN', what)
    t.match(res.headers['www-authenticate'], /^Bearer realm="gatehouse", error="invalid_token", error_description="[^"]+"$/, what)
  }
  t.equal((await service.inject({ url: '/admin/report', headers: bearer(signedByGatehouse(gatehouse, {})) })).statusCode, 200, 'the same claims, signed by gatehouse, pass')
})

test('the service\'s own errors keep their shape, and only the plugin\'s 401s get its challenge', async (t) => {
  const service = Fastify()
  t.teardown(async () => await service.close())
  await service.register(gatehouseAuth, { jwksUrl: 'http://127.0.0.1:1/.well-known/jwks.json', issuer: 'gatehouse', audience: 'gatehouse' })
  service.get('/own', { config: { auth: 'public' } }, async () => { throw Object.assign(new Error('ask the other desk'), { statusCode: 401 }) })
  const res = await service.inject('/own')
  t.equal(res.statusCode, 401)
  t.equal(res.json().message, 'ask the other desk')
  t.notOk('www-authenticate' in res.headers)
})

test('an expired token answers 401 AUTH_TOKEN_EXPIRED', async (t) => {
  const { gatehouse, trust } = await listeningGatehouse(t, 'embedded')
  const { service } = await ordersService(t, trust)
  const now = Math.floor(Date.now() / 1000)
  const expired = signedByGatehouse(gatehouse, { iat: now - 900, exp: now - 6 }) // past the 5 s tolerance
  const res = await service.inject({ url: '/admin/report', headers: bearer(expired) })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'AUTH_TOKEN_EXPIRED')
  t.match(res.headers['www-authenticate'], /error="invalid_token"/)
})

test('redis: a logout on gatehouse is refused by the service within 100 ms, and so is a deleted client\'s token', async (t) => {
  const { gatehouse, trust } = await listeningGatehouse(t, 'redis')
  const { service } = await ordersService(t, trust)
  const admin = await signedInUser(gatehouse, 'root', ['admin'])
  const report = async (token: string) => await service.inject({ url: '/admin/report', headers: bearer(token) })
  t.equal((await report(admin.accessToken)).statusCode, 200)
  t.equal((await gatehouse.inject({ method: 'POST', url: '/auth/logout', headers: bearer(admin.accessToken) })).statusCode, 204)
  const took = await within(100, async () => (await report(admin.accessToken)).statusCode === 401)
  t.ok(took >= 0, `refused ${took} ms after the logout`)
  t.equal((await report(admin.accessToken)).json().code, 'AUTH_TOKEN_REVOKED')

  const { token, clientId } = await serviceToken(gatehouse, ['orders:read'])
  t.equal((await service.inject({ url: '/orders', headers: bearer(token) })).statusCode, 200)
  await gatehouse.clientAdmin.remove(clientId)
  t.ok(await within(100, async () => (await service.inject({ url: '/orders', headers: bearer(token) })).statusCode === 401) >= 0, 'the removed client is refused')
})

test('redis: a token revoked through RFC 7009 is refused by the service within 100 ms', async (t) => {
  const { gatehouse, trust } = await listeningGatehouse(t, 'redis')
  const { service } = await ordersService(t, trust)
  const { token, clientId } = await serviceToken(gatehouse, ['orders:read'])
  const client = await gatehouse.store.clients.findById(clientId)
  t.equal((await service.inject({ url: '/orders', headers: bearer(token) })).statusCode, 200)
  if (client === undefined) return t.fail('the client exists')
  t.equal((await gatehouse.revokeToken(client, token)).outcome, 'revoked', 'the client revokes its own token (RFC 7009, as POST /auth/revoke does)')
  const took = await within(100, async () => (await service.inject({ url: '/orders', headers: bearer(token) })).statusCode === 401)
  t.ok(took >= 0, `refused by the service ${took} ms later`)
})

test('without redis there is no revocation check: a logged-out token passes until it expires', async (t) => {
  const { gatehouse, trust } = await listeningGatehouse(t, 'embedded')
  const { service } = await ordersService(t, trust)
  const admin = await signedInUser(gatehouse, 'root', ['admin'])
  await gatehouse.inject({ method: 'POST', url: '/auth/logout', headers: bearer(admin.accessToken) })
  t.equal((await gatehouse.inject({ url: '/auth/me', headers: bearer(admin.accessToken) })).statusCode, 401, 'gatehouse refuses it')
  t.equal((await service.inject({ url: '/admin/report', headers: bearer(admin.accessToken) })).statusCode, 200, 'the service cannot know (documented)')
})

async function privateLocation (t: Test) {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-data-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  return { redis, location: { dataDir, redisUrl: redis.url, prefix: testPrefix() } }
}

test('redis: the service fails closed with 503 while its Redis is down, and serves again when it is back', async (t) => {
  const { redis, location } = await privateLocation(t)
  const { gatehouse, trust } = await listeningGatehouse(t, 'redis', location)
  const { service } = await ordersService(t, trust)
  const admin = await signedInUser(gatehouse, 'root', ['admin'])
  const report = async () => await service.inject({ url: '/admin/report', headers: bearer(admin.accessToken) })
  t.equal((await report()).statusCode, 200)
  await redis.stop()
  t.ok(await within(2000, async () => (await report()).statusCode === 503) >= 0, '503 once Redis is gone')
  const refused = await report()
  t.match(refused.json(), { statusCode: 503, code: 'SERVICE_UNAVAILABLE', error: 'Service Unavailable' })
  t.equal((await service.inject('/health')).statusCode, 200, 'public routes still answer')
  await redis.start()
  t.ok(await within(5000, async () => (await report()).statusCode === 200) >= 0, 'serves again without a restart')
})

/** How many clients the Redis server has, besides the probe asking. */
async function connectedClients (probe: Redis): Promise<number> {
  return String(await probe.client('LIST')).trim().split('\n').length - 1
}

test('redis: the service closes the connections it opened from a URL, and leaves a given instance open', async (t) => {
  const { redis } = await privateLocation(t)
  const probe = new Redis(redis.url)
  t.teardown(() => probe.disconnect())
  const options = { jwksUrl: 'http://127.0.0.1:1/.well-known/jwks.json', issuer: 'gatehouse', audience: 'gatehouse', redisPrefix: testPrefix() }
  const before = await connectedClients(probe)

  const fromUrl = await ordersService(t, { ...options, redis: redis.url })
  t.equal(await connectedClients(probe), before + 2, 'a connection and a subscriber')
  await fromUrl.service.close()
  t.ok(await within(1000, async () => await connectedClients(probe) === before) >= 0, 'both closed with the app')

  const given = new Redis(redis.url)
  t.teardown(() => given.disconnect())
  const withInstance = await ordersService(t, { ...options, redis: given })
  await withInstance.service.close()
  t.equal(await given.ping(), 'PONG', 'the given instance is still open')
  t.ok(await within(1000, async () => await connectedClients(probe) === before + 1) >= 0, 'only its subscriber was closed')
})

test('with publicKey (PEM or JWK) instead of a JWKS URL, gatehouse\'s tokens pass and others do not', async (t) => {
  const gatehouse = await build(t, { mode: 'embedded' })
  const key = gatehouse.keyRing.active
  const user = await signedInUser(gatehouse, 'root', ['admin'])
  const other = createSigner({ key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), algorithm: 'ES256', kid: key.kid })
  for (const publicKey of [String(key.verifyWith), key.publicJwk ?? {}]) {
    const { service } = await ordersService(t, { publicKey, issuer: 'gatehouse', audience: 'gatehouse' })
    t.equal((await service.inject({ url: '/admin/report', headers: bearer(user.accessToken) })).statusCode, 200, typeof publicKey)
    const forged = other({ ...JSON.parse(Buffer.from(user.accessToken.split('.')[1] ?? '', 'base64url').toString()) })
    t.equal((await service.inject({ url: '/admin/report', headers: bearer(forged) })).json().code, 'AUTH_INVALID_TOKEN')
  }
})

test('bad options stop the service at registration, naming the problem', async (t) => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const base = { jwksUrl: 'https://auth.example.com/.well-known/jwks.json', issuer: 'gatehouse', audience: 'gatehouse' }
  const { jwksUrl: _jwksUrl, ...noSource } = base
  const cases: Array<[string, unknown, RegExp]> = [
    ['no options', {}, /@gatehouse-auth\/fastify: option issuer: Expected required property/],
    ['both sources', { ...base, publicKey: ec.publicKey.export({ type: 'spki', format: 'pem' }) }, /exactly one of jwksUrl, publicKey and findKey/],
    ['no source', noSource, /exactly one of jwksUrl, publicKey and findKey/],
    ['a relative URL', { ...base, jwksUrl: '/.well-known/jwks.json' }, /jwksUrl must be an absolute http\(s\) URL/],
    ['a file URL', { ...base, jwksUrl: 'file:///etc/jwks.json' }, /jwksUrl must be an absolute http\(s\) URL/],
    ['an empty issuer', { ...base, issuer: '' }, /option issuer:/],
    ['no audience', { ...base, audience: undefined }, /option audience:/],
    ['HS256', { ...base, algorithms: ['ES256', 'HS256'] }, /algorithm HS256 is not accepted/],
    ['none', { ...base, algorithms: ['none'] }, /option algorithms\.0: Expected union value/],
    ['no algorithm', { ...base, algorithms: [] }, /option algorithms:/],
    ['a misspelt option', { ...base, jwksURL: base.jwksUrl }, /option jwksURL: Unexpected property/],
    ['a negative cooldown', { ...base, jwks: { cooldownMs: -1 } }, /option jwks\.cooldownMs:/],
    ['inverted cache bounds', { ...base, jwks: { minCacheMs: 10, maxCacheMs: 1 } }, /jwks\.minCacheMs is larger than jwks\.maxCacheMs/],
    ['a redis that is not ioredis', { ...base, redis: {} }, /redis must be an ioredis client, a redis:\/\/ URL, \{ sentinels \} or \{ clusterNodes \}/],
    ['sentinels without a port', { ...base, redis: { sentinels: [{ host: '10.0.0.5' }] } }, /redis\.sentinels\.0\.port: Expected required property/],
    ['no sentinels', { ...base, redis: { sentinels: [] } }, /redis\.sentinels: Expected array length to be greater or equal to 1/],
    ['a misspelt sentinel option', { ...base, redis: { sentinels: [{ host: '10.0.0.5', port: 26379 }], master: 'mymaster' } }, /redis\.master: Unexpected property/],
    ['a cluster node port out of range', { ...base, redis: { clusterNodes: [{ host: '10.0.0.5', port: 70000 }] } }, /redis\.clusterNodes\.0\.port:/],
    ['unreachable sentinels', { ...base, redis: { sentinels: [{ host: '127.0.0.1', port: 1 }] } }, /cannot reach Redis/],
    ['a bad redisPrefix', { ...base, redis: 'redis://127.0.0.1:1', redisPrefix: 'has space' }, /option redisPrefix:/],
    ['an unreachable redis', { ...base, redis: 'redis://127.0.0.1:1' }, /cannot reach Redis/],
    ['a private PEM', { ...noSource, publicKey: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) }, /never give a private key/],
    ['a private JWK', { ...noSource, publicKey: ec.privateKey.export({ format: 'jwk' }) }, /never give a private key/],
    ['a secret', { ...noSource, publicKey: { kty: 'oct', k: 'c2VjcmV0' } }, /never give a private key or a secret/],
    ['not a PEM', { ...noSource, publicKey: 'hello' }, /publicKey is not a readable PEM public key/],
    ['an RSA key without its algorithm', { ...noSource, publicKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }) }, /cannot tell the algorithm of this publicKey/],
    ['a key of another algorithm', { ...noSource, publicKey: ec.publicKey.export({ type: 'spki', format: 'pem' }), algorithms: ['ES384'] }, /not a usable ES384 signature key/],
    ['a JWK whose alg is not allowed', { ...noSource, publicKey: { ...ec.publicKey.export({ format: 'jwk' }), alg: 'ES256' }, algorithms: ['EdDSA'] }, /publicKey is for ES256, which algorithms does not list/]
  ]
  for (const [what, options, error] of cases) {
    const service = Fastify()
    t.teardown(async () => await service.close())
    // Deliberately wrong options, as a JavaScript service could pass them.
    await t.rejects(async () => { await service.register(gatehouseAuth, options as GatehouseAuthOptions) }, error, what)
  }
  const { service } = await ordersService(t, { ...noSource, publicKey: String(rsa.publicKey.export({ type: 'spki', format: 'pem' })), algorithms: ['PS256'] })
  t.ok(service, 'an RSA key with its one algorithm is accepted')
})
