/** The signing key ring: one active key, and retired ones kept for verification until their tokens expire. */

export interface SigningKeyRecord {
  kid: string
  alg: string
  material: string // PKCS#8 PEM of a private key, or a base64url HMAC secret
  createdAt: number // epoch seconds
  retiredAt?: number
  expiresAt?: number // a retired key is dropped at this time
  /** The latest expiry of an API key it signed: retired by a rotation, it verifies until then at least. */
  signedUntil?: number
}

export interface SigningKeyStore {
  /**
   * Makes `candidate` the active key unless one is active already, and answers the active key.
   * Atomic, so instances starting together agree on one key.
   */
  initialize (candidate: SigningKeyRecord): Promise<SigningKeyRecord>
  /**
   * Makes `next` the active key; the active one stays, verify-only, until `retiredUntil` (epoch seconds).
   * With `ifActive`, only when that kid is still the active one (so instances rotating on a schedule rotate once);
   * answers whether it rotated.
   */
  rotate (next: SigningKeyRecord, retiredUntil: number, ifActive?: string): Promise<boolean>
  /**
   * `kid` signed a token that lives until `until` (an API key): its signedUntil, and a retired key's expiry, move
   * that late, never earlier. No change for a kid the ring does not hold (a configured key).
   */
  holdUntil (kid: string, until: number): Promise<void>
  /**
   * Retires the active key with no successor (a configured key signs from now on): it verifies what it signed
   * until `retiredUntil`, API keys included (the contract bounds a switch to a key file so). Answers whether there
   * was one to retire.
   */
  retireActive (retiredUntil: number): Promise<boolean>
  /** The active key first (the one without `retiredAt`), then the retired keys that have not expired. */
  list (): Promise<SigningKeyRecord[]>
}
