/** The raw signature check a distinct token costs: node:crypto's verify on one JWT, in a loop, with nothing around it. */
import { constants, createPublicKey, verify } from 'node:crypto'

/** crypto.verify's (digest, key options) for a JWS algorithm; JWS carries ECDSA signatures as r||s (ieee-p1363). */
function verifyParameters (alg, key) {
  if (alg === 'EdDSA') return [null, key]
  const digest = `sha${alg.slice(2)}`
  if (alg.startsWith('ES')) return [digest, { key, dsaEncoding: 'ieee-p1363' }]
  if (alg.startsWith('PS')) return [digest, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }]
  if (alg.startsWith('RS')) return [digest, key]
  throw new Error(`no raw verification reference for ${alg} (HMAC keys are not verified by signature)`)
}

/** Verifications per second of `token` with the public half of `signingKey`, over about `seconds`. */
export function measureVerifyRate (signingKey, token, seconds) {
  const [header, payload, signature] = token.split('.')
  const data = Buffer.from(`${header}.${payload}`)
  const sig = Buffer.from(signature, 'base64url')
  const [digest, key] = verifyParameters(signingKey.alg, createPublicKey(signingKey.verifyWith))
  if (!verify(digest, data, key, sig)) throw new Error('the reference token does not verify: wrong key or parameters')

  const started = performance.now()
  const deadline = started + seconds * 1000
  let count = 0
  let now
  // Batches of 100 keep the clock reads out of the measurement.
  do {
    for (let i = 0; i < 100; i++) verify(digest, data, key, sig)
    count += 100
    now = performance.now()
  } while (now < deadline)
  return { alg: signingKey.alg, perSecond: count / ((now - started) / 1000), count }
}
