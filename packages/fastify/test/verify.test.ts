/** The verifier's cache: a verified token is answered from memory, but never past its exp (plus the skew). */
import { test } from 'tap'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import { createTokenVerifier } from '../src/verify.js'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const key = { alg: 'ES256' as const, verifyWith: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', kid: 'k1' })
const claims = (exp: number) => ({ iss: 'gatehouse', aud: 'gatehouse', sub: 'u', iat: Math.floor(Date.now() / 1000) - 60, exp, jti: randomUUID(), type: 'access', roles: [], fresh: false })

test('a cached token stops passing when its exp (plus the 5 s skew) has passed', async (t) => {
  let lookups = 0
  const verifier = createTokenVerifier({ findKey: (kid) => { lookups++; return kid === 'k1' ? key : undefined }, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse' })
  const now = Math.floor(Date.now() / 1000)
  const token = sign(claims(now - 4)) // within the skew for about one more second
  t.equal((await verifier.verifyAccess(token)).sub, 'u')
  t.equal((await verifier.verifyAccess(token)).sub, 'u')
  t.equal(lookups, 1, 'the second check came from the cache')
  await new Promise((resolve) => setTimeout(resolve, 2100))
  await t.rejects(verifier.verifyAccess(token), { code: 'AUTH_TOKEN_EXPIRED' })
})

test('the cache is bounded: the oldest entry leaves first', async (t) => {
  let lookups = 0
  const verifier = createTokenVerifier({ findKey: () => { lookups++; return key }, algorithms: ['ES256'], issuer: 'gatehouse', audience: 'gatehouse', cacheSize: 2 })
  const exp = Math.floor(Date.now() / 1000) + 600
  const [a, b, c] = [sign(claims(exp)), sign(claims(exp)), sign(claims(exp))]
  for (const token of [a, b, c, b, c]) await verifier.verifyAccess(token ?? '')
  t.equal(lookups, 3, 'b and c stayed')
  await verifier.verifyAccess(a ?? '')
  t.equal(lookups, 4, 'a had left')
})
