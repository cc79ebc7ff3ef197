/** Key rotation: a new key signs; the old one verifies, and stays in the JWKS, until every token it signed has expired. */
import type { Algorithm } from '../algorithms.js'
import type { SigningKeyStore } from '../stores/signing-keys.js'
import { generateSigningKey } from './generate.js'
import { untilEveryTokenExpired } from '../tokens/lifetime.js'

export interface Rotation {
  kid: string
  alg: string
  retiredKid?: string
  retiredUntil: number
}

/**
 * Rotates the stored signing key. `retainSeconds` is the refresh-token lifetime: the longest any token the old
 * key signed can live. With `ifActive`, rotates only if that key still signs (answers undefined otherwise).
 */
export async function rotateSigningKey (store: SigningKeyStore, alg: Algorithm, retainSeconds: number, ifActive?: string): Promise<Rotation | undefined> {
  const previous = (await store.list()).find((record) => record.retiredAt === undefined)
  const next = generateSigningKey(alg)
  const retiredUntil = untilEveryTokenExpired(retainSeconds)
  if (!await store.rotate(next, retiredUntil, ifActive)) return undefined
  return { kid: next.kid, alg: next.alg, retiredUntil, ...(previous === undefined ? {} : { retiredKid: previous.kid }) }
}
