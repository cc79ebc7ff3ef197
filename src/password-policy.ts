/**
 * The password policy (NIST SP 800-63B: length, a blocklist, no composition rules): 8 to 1024 characters, not
 * among the most common passwords, not the username, not one character repeated.
 */
import { dictionary } from '@zxcvbn-ts/language-common'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './schemas/user.js'

// zxcvbn's list of common passwords from public breach corpora (49,233 of them; the 17,950 that are 8 characters
// or longer matter, shorter ones fail the length rule), as @zxcvbn-ts/language-common keeps it, and our name.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  ...dictionary['passwords-common'].filter((password) => password.length >= PASSWORD_MIN_LENGTH),
  'gatehouse', 'gatehouse1', 'gatehouse123'
])

export const COMMON_PASSWORD_COUNT = COMMON_PASSWORDS.size

/** The reason a password is refused, or undefined when it is acceptable. */
export function passwordProblem (password: string, username?: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`
  const folded = password.toLowerCase()
  if (COMMON_PASSWORDS.has(folded)) return 'is one of the most common passwords'
  if (username !== undefined && folded === username.toLowerCase()) return 'must not be the username'
  const characters = [...password] // by code point: an emoji is one character
  if (characters.every((character) => character === characters[0])) return 'must not be one character repeated'
  return undefined
}
