/** The verifier's cache: a verified token is answered from memory, but never past its exp (plus the skew). */
import { test } from 'tap'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import { createTokenVerifier } from '../src/verify.js'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const key = { alg: 'ES256' as const, verifyWith: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', kid: 'k1', header: { alg: 'ES256', typ: 'at+jwt' } })
const claims = (exp: number) => ({ iss: 'gatehouse', aud: 'gatehouse', sub: 'u', iat: Math.floor(Date.now() / 1000) - 60, exp, jti: randomUUID(), type: 'access', roles: [], fresh: false })

test('a cached token stops passing when its exp (plus the 5 s skew) has passed', async (t) => {
  const verifier = createTokenVerifier({ findKey: (kid) => kid === 'k1' ? key : undefined, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse' })
  const now = Math.floor(Date.now() / 1000)
  const token = sign(claims(now - 3)) // within the skew for one to two more seconds
  t.equal((await verifier.verifyAccess(token)).sub, 'u')
  t.equal((await verifier.verifyAccess(token)).sub, 'u')
  t.equal(verifier.cachedTokens, 1, 'kept in the cache')
  await new Promise((resolve) => setTimeout(resolve, 3100))
  await t.rejects(verifier.verifyAccess(token), { code: 'AUTH_TOKEN_EXPIRED' })
})

test('the cache is bounded', async (t) => {
  const verifier = createTokenVerifier({ findKey: () => key, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse', cacheSize: 2 })
  const exp = Math.floor(Date.now() / 1000) + 600
  for (const token of [sign(claims(exp)), sign(claims(exp)), sign(claims(exp))]) await verifier.verifyAccess(token)
  t.equal(verifier.cachedTokens, 2)
})

test('a cached token stops passing as soon as its key leaves the ring', async (t) => {
  let ring: Record<string, typeof key> = { k1: key }
  const verifier = createTokenVerifier({ findKey: (kid) => ring[kid], algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse' })
  const token = sign(claims(Math.floor(Date.now() / 1000) + 3600)) // a far exp, as a forger with a leaked key would choose
  t.equal((await verifier.verifyAccess(token)).sub, 'u')
  t.equal((await verifier.verifyAccess(token)).sub, 'u', 'cached')
  ring = {}
  await t.rejects(verifier.verifyAccess(token), { code: 'AUTH_INVALID_TOKEN', message: /unknown kid/ }, 'refused at once, not at its exp')
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  ring = { k1: { alg: 'ES256', verifyWith: other.publicKey.export({ type: 'spki', format: 'pem' }).toString() } }
  await t.rejects(verifier.verifyAccess(token), { code: 'AUTH_INVALID_TOKEN' }, 'nor when its kid now names another key')
})

test('a retired key verifies only tokens issued before it retired, cached ones included', async (t) => {
  let ring: Record<string, typeof key & { issuedBefore?: number }> = { k1: key }
  const verifier = createTokenVerifier({ findKey: (kid) => ring[kid], algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse' })
  const now = Math.floor(Date.now() / 1000)
  const before = sign({ ...claims(now + 3600), iat: now - 30 })
  const after = sign({ ...claims(now + 3600), iat: now - 1 })
  t.ok(await verifier.verifyAccess(before))
  t.ok(await verifier.verifyAccess(after), 'both pass while the key is active')
  ring = { k1: { ...key, issuedBefore: now - 10 } }
  t.ok(await verifier.verifyAccess(before), 'issued before the retirement: still passes')
  await t.rejects(verifier.verifyAccess(after), { code: 'AUTH_INVALID_TOKEN', message: /retired/ }, 'issued after it: refused, though cached')
  const forged = sign({ ...claims(now + 3600), iat: now })
  await t.rejects(verifier.verifyAccess(forged), { code: 'AUTH_INVALID_TOKEN', message: /retired/ }, 'and a new one is refused outright')
})

test('RFC 9068: an access token must be typed at+jwt; untyped ones pass only in the transition, if issued before it ends', async (t) => {
  const untyped = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', kid: 'k1' })
  const now = Math.floor(Date.now() / 1000)
  const strict = createTokenVerifier({ findKey: () => key, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse' })
  await t.rejects(strict.verifyAccess(untyped(claims(now + 600))), { code: 'AUTH_INVALID_TOKEN', message: /not an access token/ }, 'typ JWT is refused')
  t.ok(await strict.verifyAccess(sign(claims(now + 600))), 'typ at+jwt passes')
  const transition = createTokenVerifier({ findKey: () => key, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse', untypedIssuedBefore: now - 30 })
  t.ok(await transition.verifyAccess(untyped(claims(now + 600))), 'issued (iat now - 60) before the transition ended')
  await t.rejects(transition.verifyAccess(untyped({ ...claims(now + 600), iat: now })), { code: 'AUTH_INVALID_TOKEN' }, 'issued after it: refused')
})

test('a refresh token is never an access token, here or for a verifier of the access audience', async (t) => {
  const refreshSign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', kid: 'k1', header: { alg: 'ES256', typ: 'refresh+jwt' } })
  const now = Math.floor(Date.now() / 1000)
  const refresh = refreshSign({ iss: 'gatehouse', aud: 'gatehouse/auth/refresh', sub: 'u', iat: now - 1, exp: now + 600, jti: randomUUID(), type: 'refresh', sid: 's' })
  const own = createTokenVerifier({ findKey: () => key, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse', refreshTokens: true })
  t.equal((await own.verifyRefresh(refresh)).sid, 's', 'gatehouse itself takes it as a refresh token')
  await t.rejects(own.verifyAccess(refresh), { code: 'AUTH_INVALID_TOKEN' }, 'never as an access token')
  const service = createTokenVerifier({ findKey: () => key, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse' })
  await t.rejects(service.verifyAccess(refresh), { code: 'AUTH_INVALID_TOKEN' }, 'a service refuses it: its aud is not the access audience')
  await t.rejects(service.verifyRefresh(refresh), { code: 'AUTH_INVALID_TOKEN' }, 'and a service verifies no refresh tokens at all')
})

test('an API key is ghk_ and a token of typ apikey+jwt and type api_key; every other mix is refused', async (t) => {
  const verifier = createTokenVerifier({ findKey: () => key, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse' })
  const signKey = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', kid: 'k1', header: { alg: 'ES256', typ: 'apikey+jwt' } })
  const exp = Math.floor(Date.now() / 1000) + 600
  const apiKey = { ...claims(exp), type: 'api_key', roles: ['reports'] }
  t.match(await verifier.verifyAccess(`ghk_${signKey(apiKey)}`), { type: 'api_key', roles: ['reports'] }, 'a key')
  const refused: Array<[string, string]> = [
    [signKey(apiKey), 'a key without its prefix'],
    [`ghk_${sign(claims(exp))}`, 'an access token with the prefix'],
    [`ghk_${signKey(claims(exp))}`, 'typ apikey+jwt with access claims'],
    [`ghk_${sign(apiKey)}`, 'api_key claims under typ at+jwt'],
    [sign(apiKey), 'api_key claims as an access token'],
    [`ghk_${signKey({ ...apiKey, fresh: true })}`, 'a fresh key'],
    [`ghk_${signKey({ ...apiKey, sid: 's' })}`, 'a key with a session']
  ]
  for (const [token, what] of refused) await t.rejects(verifier.verifyAccess(token), { code: 'AUTH_INVALID_TOKEN' }, what)
})
