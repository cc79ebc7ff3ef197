/** The signing key ring: one active key, and retired ones kept for verification until their tokens expire. */

export interface SigningKeyRecord {
  kid: string
  alg: string
  material: string // PKCS#8 PEM of a private key, or a base64url HMAC secret
  createdAt: number // epoch seconds
  retiredAt?: number
  expiresAt?: number // a retired key is dropped at this time
}

export interface SigningKeyStore {
  /**
   * Makes `candidate` the active key unless one is active already, and answers the active key.
   * Atomic, so instances starting together agree on one key.
   */
  initialize (candidate: SigningKeyRecord): Promise<SigningKeyRecord>
  /** Makes `next` the active key; the active one stays, verify-only, until `retiredUntil` (epoch seconds). */
  rotate (next: SigningKeyRecord, retiredUntil: number): Promise<void>
  /** The active key first (the one without `retiredAt`), then the retired keys that have not expired. */
  list (): Promise<SigningKeyRecord[]>
}
