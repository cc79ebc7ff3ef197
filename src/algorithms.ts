/** The JWS algorithms gatehouse signs with, and what key each one needs. */

export const ASYMMETRIC_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const
export const ALGORITHMS = [...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS] as const

export type Algorithm = typeof ALGORITHMS[number]
export type HmacAlgorithm = typeof HMAC_ALGORITHMS[number]

// ES256: compact keys and signatures, and verified by every JOSE library and API gateway we know of.
export const DEFAULT_ALGORITHM: Algorithm = 'ES256'

export function isHmac (alg: Algorithm): alg is HmacAlgorithm {
  return alg.startsWith('HS')
}

/** RFC 7518 3.2: an HMAC key must be at least as long as the hash output. */
export function minimumSecretBytes (alg: HmacAlgorithm): number {
  return Number(alg.slice(2)) / 8
}

/** The key an asymmetric algorithm signs with, as node:crypto describes it. */
export interface KeyRequirement {
  type: 'ec' | 'ed25519' | 'rsa' | 'rsa-pss'
  namedCurve?: string
}

export function keyRequirement (alg: Exclude<Algorithm, HmacAlgorithm>): KeyRequirement {
  switch (alg) {
    case 'ES256': return { type: 'ec', namedCurve: 'prime256v1' }
    case 'ES384': return { type: 'ec', namedCurve: 'secp384r1' }
    case 'ES512': return { type: 'ec', namedCurve: 'secp521r1' }
    case 'EdDSA': return { type: 'ed25519' }
    default: return { type: 'rsa' } // RS* and PS* both sign with a plain RSA key
  }
}

export const MINIMUM_RSA_BITS = 2048
