/** One configured public key (PEM or JWK) as a verification key, with its algorithm, for a service without JWKS. */
import { createPublicKey, type JsonWebKey } from 'node:crypto'
import type { AsymmetricAlgorithm } from './algorithms.js'
import { verificationKeyOf } from './jwks-client.js'
import type { VerificationKey } from './verify.js'

const CURVE_ALGORITHMS: Record<string, AsymmetricAlgorithm> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', Ed25519: 'EdDSA' }

/** The key, its algorithm being the JWK's alg, the only configured one, or its curve's; throws saying what is wrong. */
export function staticKey (publicKey: string | JsonWebKey, algorithms: readonly AsymmetricAlgorithm[] | undefined): VerificationKey {
  const given: JsonWebKey = typeof publicKey === 'string' ? {} : publicKey
  if (typeof publicKey === 'string' ? publicKey.includes('PRIVATE KEY') : ('d' in given || given.kty === 'oct')) {
    throw new Error('publicKey must be a public key: never give a private key or a secret to a service that only verifies')
  }
  let jwk: JsonWebKey
  try {
    jwk = typeof publicKey === 'string' ? createPublicKey(publicKey).export({ format: 'jwk' }) : publicKey
  } catch (err) {
    throw new Error(`publicKey is not a readable PEM public key (${err instanceof Error ? err.message : String(err)})`)
  }
  const alg = jwk.alg ?? (algorithms?.length === 1 ? algorithms[0] : CURVE_ALGORITHMS[String(jwk.crv)])
  if (alg === undefined) throw new Error('cannot tell the algorithm of this publicKey (an RSA key serves several): give algorithms with one entry (RS256, PS256, ...) or a JWK with alg')
  if (algorithms !== undefined && !(algorithms as readonly unknown[]).includes(alg)) throw new Error(`publicKey is for ${String(alg)}, which algorithms does not list`)
  const key = verificationKeyOf({ ...jwk }, alg)
  if (key === undefined) throw new Error(`publicKey is not a usable ${String(alg)} signature key`)
  return key
}
