/** Generates a signing key for an algorithm, as a record to store. */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { isHmac, keyRequirement, minimumSecretBytes, type Algorithm } from '../algorithms.js'
import type { SigningKeyRecord } from '../stores/signing-keys.js'
import { fromPrivateKey, hmacKid } from './signing-key.js'
import { epochSeconds } from '../ids.js'

const RSA_BITS = 3072 // NIST's size for security beyond 2030

function generatePrivateKey (alg: Exclude<Algorithm, `HS${string}`>): KeyObject {
  const wanted = keyRequirement(alg)
  switch (wanted.type) {
    case 'ec': return generateKeyPairSync('ec', { namedCurve: wanted.namedCurve ?? 'prime256v1' }).privateKey
    case 'ed25519': return generateKeyPairSync('ed25519').privateKey
    default: return generateKeyPairSync('rsa', { modulusLength: RSA_BITS }).privateKey
  }
}

export function generateSigningKey (alg: Algorithm, now: number = epochSeconds()): SigningKeyRecord {
  if (isHmac(alg)) {
    const secret = randomBytes(Math.max(64, minimumSecretBytes(alg)))
    return { kid: hmacKid(secret), alg, material: secret.toString('base64url'), createdAt: now }
  }
  const privateKey = generatePrivateKey(alg)
  return { kid: fromPrivateKey(privateKey, alg).kid, alg, material: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), createdAt: now }
}
