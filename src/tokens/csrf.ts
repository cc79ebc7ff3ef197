/** CSRF tokens for cookie sessions: minted here, checked by the verifier package's rule (csrfMatches). */
import { randomBytes } from 'node:crypto'

export { CSRF_HEADER, UNSAFE_METHODS, csrfMatches } from '@gatehouse-auth/fastify'

export function newCsrfToken (): string {
  return randomBytes(32).toString('base64url')
}
