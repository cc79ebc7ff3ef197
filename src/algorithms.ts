/** The JWS algorithms gatehouse signs with: the list and the key rule live in the verifier package; the defaults here. */
import { MINIMUM_RSA_BITS, keyRequirement, type Algorithm, type HmacAlgorithm } from '@gatehouse-auth/fastify'

export { ALGORITHMS, ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, MINIMUM_RSA_BITS, keyFitsAlgorithm, keyRequirement } from '@gatehouse-auth/fastify'
export type { Algorithm, AsymmetricAlgorithm, HmacAlgorithm } from '@gatehouse-auth/fastify'

// ES256: compact keys and signatures, and verified by every JOSE library and API gateway we know of.
export const DEFAULT_ALGORITHM: Algorithm = 'ES256'

export function isHmac (alg: Algorithm): alg is HmacAlgorithm {
  return alg.startsWith('HS')
}

/** RFC 7518 3.2: an HMAC key must be at least as long as the hash output. */
export function minimumSecretBytes (alg: HmacAlgorithm): number {
  return Number(alg.slice(2)) / 8
}

/** What an asymmetric algorithm's key must be, in words, for configuration errors. */
export function describeKeyRequirement (alg: Exclude<Algorithm, HmacAlgorithm>): string {
  const wanted = keyRequirement(alg)
  return wanted.type === 'rsa' ? `an RSA key of at least ${MINIMUM_RSA_BITS} bits` : `an ${wanted.type} key${wanted.namedCurve === undefined ? '' : ` on ${wanted.namedCurve}`}`
}
