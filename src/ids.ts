/** Identifiers: UUIDv7 (RFC 9562), time-ordered so listings page in creation order. */
import { randomBytes } from 'node:crypto'

let lastMs = 0
let counter = 0

/**
 * A UUIDv7 with a 12-bit counter in rand_a (RFC 9562 6.2, method 1), so ids made by this process
 * in the same millisecond still sort in the order they were made.
 */
export function newId (now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now
    counter = 0
  } else if (++counter > 0xfff) {
    lastMs += 1 // counter exhausted: borrow the next millisecond, as the RFC allows
    counter = 0
  }
  const bytes = randomBytes(16)
  bytes.writeUIntBE(lastMs, 0, 6) // 48-bit Unix milliseconds
  bytes.writeUInt16BE(0x7000 | counter, 6) // version 7, then the counter
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f) // RFC 9562 variant
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// Seconds since the epoch, the unit of JWT times and of every expiry we store: one definition, the verifier's.
export { epochSeconds } from '@gatehouse-auth/fastify'
