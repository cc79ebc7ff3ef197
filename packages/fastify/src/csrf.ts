/**
 * CSRF protection for cookie sessions (a synchronizer token in the signed access token): a cookie-authenticated
 * unsafe request must send X-CSRF-Token equal to the token's `csrf` claim. The csrf_token cookie only lets the
 * page read the value; a forged cookie changes nothing, as the signed claim is the reference.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

export const CSRF_HEADER = 'x-csrf-token'
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Constant-time comparison (of digests, so unequal lengths take the same time). */
export function csrfMatches (expected: string | undefined, presented: string | string[] | undefined): boolean {
  if (expected === undefined || typeof presented !== 'string') return false
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(expected), digest(presented))
}
