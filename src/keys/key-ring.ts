/** The key ring in memory: the key that signs, every key that verifies (by kid), and the public JWKS. */
import type { JsonWebKey } from 'node:crypto'
import type { Algorithm } from '../algorithms.js'
import type { SigningKey } from './signing-key.js'

export interface PublicJwk extends JsonWebKey {
  kty: string
  kid: string
  alg: Algorithm
  use: 'sig'
}

export interface KeyRing {
  readonly active: SigningKey
  /** Only keys of this ring: a kid from a token is a lookup key here, never a path or a URL. */
  find (kid: string): SigningKey | undefined
  /** RFC 7517 key set of the public keys; HMAC secrets never appear. */
  readonly jwks: { keys: PublicJwk[] }
}

export function createKeyRing (active: SigningKey, retired: readonly SigningKey[]): KeyRing {
  const byKid = new Map<string, SigningKey>()
  for (const key of [active, ...retired]) if (!byKid.has(key.kid)) byKid.set(key.kid, key)
  const keys = [...byKid.values()]
  return {
    active,
    find: (kid) => byKid.get(kid),
    jwks: {
      keys: keys.flatMap((key) => key.publicJwk === undefined ? [] : [{ ...key.publicJwk, kty: String(key.publicJwk.kty), kid: key.kid, alg: key.alg, use: 'sig' as const }])
    }
  }
}
