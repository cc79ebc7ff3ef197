/** The JWKS client against a real HTTP server that counts its requests, on a clock the test moves. */
import { test } from 'tap'
import { createServer, type Server } from 'node:http'
import { generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createJwksClient, type JwksClientOptions } from '../src/jwks-client.js'
interface Teardown { teardown (fn: () => unknown): void }

interface Answer {
  status: number
  body: string
  headers: Record<string, string>
  delayMs?: number
}

interface JwksServer {
  url: string
  requests: number
  answer: Answer
  stop (): Promise<void>
  start (): Promise<void>
}

function jwksAnswer (keys: unknown[], cacheControl?: string): Answer {
  return { status: 200, body: JSON.stringify({ keys }), headers: { 'content-type': 'application/json', ...(cacheControl === undefined ? {} : { 'cache-control': cacheControl }) } }
}

/** A JWKS endpoint on 127.0.0.1 whose answer the test sets; stop() makes connections refused, start() brings it back on the same port. */
async function jwksServer (t: Teardown, answer: Answer): Promise<JwksServer> {
  let server: Server | undefined
  let port = 0
  const state: JwksServer = {
    url: '',
    requests: 0,
    answer,
    async start () {
      const listening = createServer((request, response) => {
        state.requests++
        const { status, body, headers, delayMs = 0 } = state.answer
        setTimeout(() => response.writeHead(status, headers).end(body), delayMs)
      })
      await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve))
      port = (listening.address() as AddressInfo).port
      state.url = `http://127.0.0.1:${port}/.well-known/jwks.json`
      server = listening
    },
    async stop () {
      const running = server
      server = undefined
      running?.closeAllConnections()
      await new Promise((resolve) => running === undefined ? resolve(undefined) : running.close(resolve))
    }
  }
  await state.start()
  t.teardown(async () => await state.stop())
  return state
}

function publicJwk (key: KeyObject, kid: string, alg: string, extra: Record<string, unknown> = {}): JsonWebKey {
  return { ...key.export({ format: 'jwk' }), kid, alg, use: 'sig', ...extra }
}

function ecKey () {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
}

/** A client on a clock the test moves by hand. */
function clientOf (server: JwksServer, options: Partial<JwksClientOptions> = {}) {
  const clock = { ms: 1_700_000_000_000 }
  const client = createJwksClient({ url: server.url, now: () => clock.ms, ...options })
  return { client, clock }
}

const SECOND = 1000

test('fetches the key set once and answers every lookup from the cache', async (t) => {
  const es = ecKey()
  const ed = generateKeyPairSync('ed25519')
  const server = await jwksServer(t, jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256'), publicJwk(ed.publicKey, 'ed', 'EdDSA')], 'public, max-age=300'))
  const { client } = clientOf(server)
  t.equal(server.requests, 0, 'nothing is fetched before the first lookup')
  const key = await client.find('es')
  t.same(key, { alg: 'ES256', verifyWith: es.publicKey.export({ type: 'spki', format: 'pem' }) })
  t.equal((await client.find('ed'))?.alg, 'EdDSA')
  await Promise.all(Array.from({ length: 20 }, async () => await client.find('es')))
  t.equal(server.requests, 1)
  t.equal(client.lastError, undefined)
})

test('concurrent first lookups share one fetch', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, { ...jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')]), delayMs: 50 })
  const { client } = clientOf(server)
  const keys = await Promise.all(Array.from({ length: 10 }, async () => await client.find('es')))
  t.ok(keys.every((key) => key?.alg === 'ES256'))
  t.equal(server.requests, 1)
})

test('an unknown kid refetches once, then not again within the cooldown: 100 forged kids cost one fetch', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')], 'max-age=3600'))
  const { client, clock } = clientOf(server)
  await client.find('es')
  t.equal(server.requests, 1)
  for (let i = 0; i < 50; i++) t.equal(await client.find(`forged-${i}`), undefined)
  await Promise.all(Array.from({ length: 50 }, async (_, i) => t.equal(await client.find(`forged-parallel-${i}`), undefined)))
  t.equal(server.requests, 2, 'one extra fetch for 100 forged kids')
  clock.ms += 29 * SECOND
  await client.find('forged-again')
  t.equal(server.requests, 2, 'still within the 30 s cooldown')
  clock.ms += 1 * SECOND
  await client.find('forged-after-cooldown')
  t.equal(server.requests, 3, 'one more once the cooldown has passed')
  t.equal((await client.find('es'))?.alg, 'ES256', 'known kids are still served from the cache')
  t.equal(server.requests, 3)
})

test('a kid published after the first fetch is found by the refetch its first token makes', async (t) => {
  const old = ecKey()
  const next = ecKey()
  const server = await jwksServer(t, jwksAnswer([publicJwk(old.publicKey, 'old', 'ES256')], 'max-age=3600'))
  const { client } = clientOf(server)
  await client.find('old')
  server.answer = jwksAnswer([publicJwk(next.publicKey, 'next', 'ES256'), publicJwk(old.publicKey, 'old', 'ES256')], 'max-age=3600')
  const found = await Promise.all([client.find('next'), client.find('next'), client.find('next')])
  t.ok(found.every((key) => key?.alg === 'ES256'), 'lookups made while the refetch runs wait for it')
  t.equal(server.requests, 2)
})

test('Cache-Control max-age decides when the next lookup refreshes, within the bounds', async (t) => {
  const es = ecKey()
  const cases = [
    { cacheControl: 'public, max-age=300', refreshAfter: 300 * SECOND, what: 'max-age inside the bounds' },
    { cacheControl: 'max-age=1', refreshAfter: 60 * SECOND, what: 'max-age below minCacheMs (60 s)' },
    { cacheControl: 'max-age=999999999', refreshAfter: 86_400 * SECOND, what: 'max-age above maxCacheMs (1 day)' },
    { cacheControl: 'no-store', refreshAfter: 60 * SECOND, what: 'no max-age: minCacheMs' },
    { cacheControl: undefined, refreshAfter: 60 * SECOND, what: 'no Cache-Control: minCacheMs' }
  ]
  for (const { cacheControl, refreshAfter, what } of cases) {
    const server = await jwksServer(t, jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')], cacheControl))
    const { client, clock } = clientOf(server)
    await client.find('es')
    clock.ms += refreshAfter - 1
    await client.find('es')
    t.equal(server.requests, 1, `${what}: fresh until then`)
    clock.ms += 1
    await client.find('es')
    t.equal(server.requests, 2, `${what}: refreshed by the next lookup`)
  }
})

test('the bounds are options', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')], 'max-age=3600'))
  const { client, clock } = clientOf(server, { minCacheMs: 0, maxCacheMs: 10 * SECOND })
  await client.find('es')
  clock.ms += 10 * SECOND
  await client.find('es')
  t.equal(server.requests, 2)
})

test('a key removed from the set stops verifying at the next refresh', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')], 'max-age=60'))
  const { client, clock } = clientOf(server)
  t.ok(await client.find('es'))
  server.answer = jwksAnswer([], 'max-age=60')
  clock.ms += 60 * SECOND
  t.equal(await client.find('es'), undefined)
})

test('keeps serving its keys while the endpoint answers 503, invalid JSON, no key set, or refuses connections', async (t) => {
  const es = ecKey()
  const good = jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')], 'max-age=60')
  const server = await jwksServer(t, good)
  const { client, clock } = clientOf(server)
  await client.find('es')
  const outages: Array<[string, () => Promise<void>, RegExp]> = [
    ['503', async () => { server.answer = { status: 503, body: 'unavailable', headers: {} } }, /answered 503/],
    ['invalid JSON', async () => { server.answer = { ...good, body: '{"keys": [' } }, /JSON/],
    ['no key set', async () => { server.answer = { ...good, body: '{"hello":"world"}' } }, /no keys array/],
    ['connection refused', async () => await server.stop(), /fetch failed/]
  ]
  let requests = server.requests
  for (const [what, breakIt, reason] of outages) {
    await breakIt()
    clock.ms += 60 * SECOND
    t.equal((await client.find('es'))?.alg, 'ES256', `${what}: the cached key still serves`)
    t.match(client.lastError?.message, reason, `${what}: lastError says why`)
    if (what !== 'connection refused') t.equal(server.requests, ++requests, `${what}: one attempt`)
    clock.ms += 29 * SECOND
    await client.find('es')
    await client.find('unknown')
    if (what !== 'connection refused') t.equal(server.requests, requests, `${what}: no retry within the cooldown`)
  }
  server.answer = good
  await server.start()
  clock.ms += 30 * SECOND
  t.ok(await client.find('es'))
  t.equal(client.lastError, undefined, 'recovered: no error')
})

test('before any successful fetch, lookups answer 503 SERVICE_UNAVAILABLE and retry with a doubling backoff', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, { status: 500, body: '', headers: {} })
  const { client, clock } = clientOf(server)
  await t.rejects(client.find('es'), { code: 'SERVICE_UNAVAILABLE', statusCode: 503, message: /has not been fetched yet \(the JWKS endpoint answered 500\)/ })
  await t.rejects(client.find('es'), { code: 'SERVICE_UNAVAILABLE' })
  t.equal(server.requests, 1, 'no second fetch within the first 0.5 s')
  clock.ms += 500
  await t.rejects(client.find('es'), { code: 'SERVICE_UNAVAILABLE' })
  t.equal(server.requests, 2, 'the second attempt after 0.5 s')
  clock.ms += 999
  await t.rejects(client.find('es'), { code: 'SERVICE_UNAVAILABLE' })
  t.equal(server.requests, 2, 'the third waits 1 s')
  clock.ms += 1
  server.answer = jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')])
  t.equal((await client.find('es'))?.alg, 'ES256', 'the first success ends it')
  t.equal(server.requests, 3)
})

test('the backoff doubles up to maxRetryMs, and once keys are known a kid miss keeps its cooldown', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, { status: 503, body: '', headers: {} })
  const { client, clock } = clientOf(server, { maxRetryMs: 2000 })
  const delays: Array<number | undefined> = []
  const logged = createJwksClient({ url: server.url, now: () => clock.ms, maxRetryMs: 2000, onFetchError: (_err, retryInMs) => { delays.push(retryInMs) } })
  for (let i = 0; i < 5; i++) {
    await logged.find('es').catch(() => {})
    clock.ms += 2000
  }
  t.same(delays, [500, 1000, 2000, 2000, 2000], 'each failure is reported with the wait before the next attempt')
  server.answer = jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')], 'max-age=3600')
  t.equal((await client.find('es'))?.alg, 'ES256')
  const before = server.requests
  t.equal(await client.find('forged-1'), undefined, 'an unknown kid with a reachable JWKS is simply unknown')
  t.equal(await client.find('forged-2'), undefined)
  t.equal(server.requests, before + 1, 'one refetch for both: the cooldown holds')
})

test('started, it fetches in the background until the first success, then stops', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, { status: 500, body: '', headers: {} })
  const client = createJwksClient({ url: server.url, firstRetryMs: 20, maxRetryMs: 40 })
  t.teardown(() => client.close())
  client.start()
  while (server.requests < 3) await new Promise((resolve) => setTimeout(resolve, 10))
  server.answer = jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')], 'max-age=3600')
  while (client.lastError !== undefined || server.requests < 4) await new Promise((resolve) => setTimeout(resolve, 10))
  const requests = server.requests
  await new Promise((resolve) => setTimeout(resolve, 150))
  t.equal(server.requests, requests, 'no more fetches once keys are known')
  t.equal((await client.find('es'))?.alg, 'ES256', 'and no request was needed to get there')
})

test('refresh() fetches now, and rejects when that fails while keeping the keys', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')], 'max-age=3600'))
  const { client } = clientOf(server)
  await client.refresh()
  t.equal(server.requests, 1)
  server.answer = { status: 502, body: '', headers: {} }
  await t.rejects(client.refresh(), /answered 502/)
  t.equal((await client.find('es'))?.alg, 'ES256')
  t.equal(server.requests, 2)
})

test('a slow endpoint is given up after timeoutMs', async (t) => {
  const es = ecKey()
  const server = await jwksServer(t, { ...jwksAnswer([publicJwk(es.publicKey, 'es', 'ES256')]), delayMs: 2000 })
  const { client } = clientOf(server, { timeoutMs: 100 })
  const started = Date.now()
  await t.rejects(client.find('es'), { code: 'SERVICE_UNAVAILABLE' })
  t.ok(Date.now() - started < 1500, 'did not wait for the answer')
  t.match(client.lastError?.name, /TimeoutError|AbortError/)
})

test('a redirect is not followed: keys come from the configured URL only', async (t) => {
  const server = await jwksServer(t, { status: 302, body: '', headers: { location: 'http://127.0.0.1:1/elsewhere.json' } })
  const { client } = clientOf(server)
  await t.rejects(client.find('es'), { code: 'SERVICE_UNAVAILABLE' })
  t.ok(client.lastError)
  t.equal(server.requests, 1)
})

test('a key set larger than 1 MiB is refused', async (t) => {
  const server = await jwksServer(t, { status: 200, body: JSON.stringify({ keys: [], padding: 'x'.repeat(1024 * 1024) }), headers: {} })
  const { client } = clientOf(server)
  await t.rejects(client.find('es'), { code: 'SERVICE_UNAVAILABLE' })
  t.match(client.lastError?.message, /larger than/)
})

test('keeps only public signature keys of asymmetric algorithms that fit their key', async (t) => {
  const es = ecKey()
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
  const secret = { kty: 'oct', k: randomBytes(32).toString('base64url') }
  const server = await jwksServer(t, jwksAnswer([
    publicJwk(es.publicKey, 'good-es', 'ES256'),
    publicJwk(rsa.publicKey, 'good-rs', 'RS256'),
    publicJwk(rsa.publicKey, 'good-ps', 'PS256'),
    { ...es.privateKey.export({ format: 'jwk' }), kid: 'private', alg: 'ES256', use: 'sig' },
    { ...secret, kid: 'oct', alg: 'HS256', use: 'sig' },
    { ...secret, kid: 'oct-claiming-es', alg: 'ES256' },
    publicJwk(es.publicKey, 'none', 'none'),
    publicJwk(es.publicKey, 'hs', 'HS256'),
    publicJwk(rsa.publicKey, 'enc', 'RS256', { use: 'enc' }),
    publicJwk(rsa.publicKey, 'ops-sign-only', 'RS256', { key_ops: ['sign'] }),
    publicJwk(es.publicKey, 'wrong-type', 'RS256'),
    publicJwk(p384.publicKey, 'wrong-curve', 'ES256'),
    publicJwk(weakRsa.publicKey, 'weak-rsa', 'RS256'),
    { ...es.publicKey.export({ format: 'jwk' }), alg: 'ES256' },
    { ...es.publicKey.export({ format: 'jwk' }), kid: 'no-alg' },
    { kty: 'EC', crv: 'P-256', x: 'garbage', y: 'garbage', kid: 'garbage', alg: 'ES256' },
    publicJwk(es.publicKey, 'twice', 'ES256'),
    publicJwk(rsa.publicKey, 'twice', 'RS256'),
    'not a key',
    null
  ]))
  const { client } = clientOf(server)
  for (const kid of ['good-es', 'good-rs', 'good-ps']) t.ok(await client.find(kid), `${kid} is kept`)
  for (const kid of ['private', 'oct', 'oct-claiming-es', 'none', 'hs', 'enc', 'ops-sign-only', 'wrong-type', 'wrong-curve', 'weak-rsa', 'no-alg', 'garbage', 'twice']) {
    t.equal(await client.find(kid), undefined, `${kid} is dropped`)
  }
  t.equal(client.lastError, undefined, 'unusable keys are skipped, not an error')
})
