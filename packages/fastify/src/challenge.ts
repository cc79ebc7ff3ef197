/** The RFC 6750 section 3 challenge of a 401: error="invalid_token" only when a token was sent and failed. */
import { INVALID_TOKEN_CODES } from './errors.js'

export function bearerChallenge (code: string, message: string): string {
  const base = 'Bearer realm="gatehouse"'
  if (!INVALID_TOKEN_CODES.has(code)) return base
  return `${base}, error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`
}
