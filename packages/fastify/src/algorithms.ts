/** The JWS algorithms gatehouse signs with, and the one rule for which key fits which algorithm. */
import type { KeyObject } from 'node:crypto'

export const ASYMMETRIC_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const
export const ALGORITHMS = [...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS] as const

export type Algorithm = typeof ALGORITHMS[number]
export type AsymmetricAlgorithm = typeof ASYMMETRIC_ALGORITHMS[number]
export type HmacAlgorithm = typeof HMAC_ALGORITHMS[number]

export function isAsymmetric (alg: unknown): alg is AsymmetricAlgorithm {
  return (ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(alg)
}

/** The key an asymmetric algorithm signs with, as node:crypto describes it. */
export interface KeyRequirement {
  type: 'ec' | 'ed25519' | 'rsa'
  namedCurve?: string
}

export function keyRequirement (alg: AsymmetricAlgorithm): KeyRequirement {
  switch (alg) {
    case 'ES256': return { type: 'ec', namedCurve: 'prime256v1' }
    case 'ES384': return { type: 'ec', namedCurve: 'secp384r1' }
    case 'ES512': return { type: 'ec', namedCurve: 'secp521r1' }
    case 'EdDSA': return { type: 'ed25519' }
    default: return { type: 'rsa' } // RS* and PS* both sign with a plain RSA key
  }
}

export const MINIMUM_RSA_BITS = 2048

/** Whether a key (public or private) is of the type, curve and size its algorithm signs with. */
export function keyFitsAlgorithm (key: KeyObject, alg: AsymmetricAlgorithm): boolean {
  const wanted = keyRequirement(alg)
  const details = key.asymmetricKeyDetails ?? {}
  if (wanted.type === 'rsa') return key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= MINIMUM_RSA_BITS
  return key.asymmetricKeyType === wanted.type && details.namedCurve === wanted.namedCurve
}
