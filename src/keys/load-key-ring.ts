/**
 * Builds the key ring at start: the configured key (JWT_PRIVATE_KEY_FILE or JWT_SECRET) when there is one,
 * else the stored key, generated once by whichever instance starts first. Retired keys verify what they signed
 * before retiring, until they expire.
 */
import type { Config } from '../config.js'
import type { SigningKeyStore } from '../stores/signing-keys.js'
import { fromPrivateKey, fromRecord, fromSecret, type SigningKey } from './signing-key.js'
import { generateSigningKey } from './generate.js'
import { createKeyRing, type KeyRing } from './key-ring.js'
import { untilEveryTokenExpired } from '../tokens/lifetime.js'

type KeyConfig = Pick<Config, 'JWT_ALGORITHM' | 'JWT_PRIVATE_KEY_FILE' | 'JWT_SECRET' | 'REFRESH_TOKEN_TTL'>

function configuredKey (config: KeyConfig): SigningKey | undefined {
  if (config.JWT_PRIVATE_KEY_FILE !== undefined) return fromPrivateKey(config.JWT_PRIVATE_KEY_FILE.key, config.JWT_ALGORITHM)
  if (config.JWT_SECRET !== undefined) return fromSecret(Buffer.from(config.JWT_SECRET), config.JWT_ALGORITHM)
  return undefined
}

/** `atStart`: only then may a changed JWT_ALGORITHM rotate the stored key (a reload never writes). */
export async function loadKeyRing (config: KeyConfig, store: SigningKeyStore, atStart = false): Promise<KeyRing> {
  const configured = configuredKey(config)
  if (configured !== undefined) {
    // The generated key retires as the configured one takes over: it verifies only what it signed before, for as
    // long as those tokens can live, then leaves the ring and the JWKS. A leaked generated key stops mattering.
    if (atStart) await store.retireActive(untilEveryTokenExpired(config.REFRESH_TOKEN_TTL))
    return createKeyRing(configured, (await store.list()).map(fromRecord))
  }
  let records = await store.list()
  let active = records.find((record) => record.retiredAt === undefined)
  if (active === undefined) {
    // Only a start generates a key: a reload finding none (a configured key took over elsewhere) keeps its ring.
    if (!atStart) throw new Error('no active signing key in the store')
    active = await store.initialize(generateSigningKey(config.JWT_ALGORITHM))
    records = await store.list()
  } else if (atStart && active.alg !== config.JWT_ALGORITHM) {
    // JWT_ALGORITHM changed: sign with a new key of that algorithm; the old one verifies what it signed until then.
    // Compare-and-rotate, so instances restarting together with the new setting rotate once.
    await store.rotate(generateSigningKey(config.JWT_ALGORITHM), untilEveryTokenExpired(config.REFRESH_TOKEN_TTL), active.kid)
    records = await store.list()
  }
  const [first, ...rest] = records.map(fromRecord)
  if (first === undefined) throw new Error('the key store answered no active key')
  return createKeyRing(first, rest)
}
