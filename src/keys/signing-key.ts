/** A signing key ready for use: what signs (private PEM or HMAC secret), what verifies, and its public JWK. */
import { createHmac, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import { isHmac, type Algorithm } from '../algorithms.js'
import type { SigningKeyRecord } from '../stores/signing-keys.js'
import { jwkThumbprint } from './thumbprint.js'

export interface SigningKey {
  kid: string
  alg: Algorithm
  /** PEM of the private key, or the HMAC secret. */
  signWith: string | Buffer
  /** PEM of the public key, or the HMAC secret. */
  verifyWith: string | Buffer
  /** The public JWK for the JWKS; undefined for HMAC secrets, which are never published. */
  publicJwk?: JsonWebKey
  /** Stored keys only: when it was made (epoch seconds), for scheduled rotation. */
  createdAt?: number
  expiresAt?: number
  /** A retired key verifies only tokens issued (iat) at or before this: its retirement. */
  issuedBefore?: number
}

/** The kid of an HMAC secret: derived from it one-way, so the secret cannot be read back from it. */
export function hmacKid (secret: Buffer): string {
  return `hs-${createHmac('sha256', secret).update('gatehouse kid').digest('base64url').slice(0, 22)}`
}

export function fromPrivateKey (privateKey: KeyObject, alg: Algorithm): SigningKey {
  const publicKey = createPublicKey(privateKey)
  const jwk = publicKey.export({ format: 'jwk' })
  return {
    kid: jwkThumbprint(jwk),
    alg,
    signWith: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    verifyWith: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: jwk
  }
}

export function fromSecret (secret: Buffer, alg: Algorithm): SigningKey {
  return { kid: hmacKid(secret), alg, signWith: secret, verifyWith: secret }
}

/** A stored key record, made usable. */
export function fromRecord (record: SigningKeyRecord): SigningKey {
  const alg = record.alg as Algorithm
  const key = isHmac(alg) ? fromSecret(Buffer.from(record.material, 'base64url'), alg) : fromPrivateKey(createPrivateKey(record.material), alg)
  return {
    ...key,
    kid: record.kid,
    createdAt: record.createdAt,
    ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
    ...(record.retiredAt === undefined ? {} : { issuedBefore: record.retiredAt })
  }
}
