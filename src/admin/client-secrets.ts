/**
 * Client secrets: 256 random bits, shown once, stored as SHA-256. A slow hash protects guessable passwords;
 * a secret with 256 bits of entropy cannot be guessed, so a fast hash is as safe and keeps /auth/token cheap.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export function newClientSecret (): string {
  return randomBytes(32).toString('base64url')
}

export function hashClientSecret (secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Constant-time; a missing client is compared against a decoy, so both answers take the same time. */
export function clientSecretMatches (storedHash: string | undefined, presented: string): boolean {
  const expected = Buffer.from(storedHash ?? hashClientSecret('decoy: no such client'), 'hex')
  const actual = Buffer.from(hashClientSecret(presented), 'hex')
  return expected.length === actual.length && timingSafeEqual(expected, actual) && storedHash !== undefined
}
