/** The password policy: 8 to 1024 characters (NIST SP 800-63B), and not one of the most common passwords. */
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './schemas/user.js'

// The most common passwords of 8 or more characters in public breach corpora (shorter ones fail the length rule).
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword',
  '12345678', '123456789', '1234567890', '12345678910', '123123123', '987654321', '11111111', '00000000',
  '88888888', '87654321', '12341234', '11223344', '1q2w3e4r', '1q2w3e4r5t', 'qwertyui', 'qwertyuiop', 'qwerty123',
  'qwerty12', 'asdfghjkl', 'zxcvbnm1', 'abcd1234', 'abc12345', 'abcdefgh', 'iloveyou', 'iloveyou1', 'sunshine',
  'princess', 'football', 'baseball', 'welcome1', 'welcome123', 'admin123', 'administrator', 'letmein1',
  'trustno1', 'superman', 'starwars', 'whatever', 'dragon123', 'monkey123', 'changeme', 'changeme123',
  'master123', 'michael1', 'charlie1', 'jennifer', 'computer', 'internet', 'liverpool', 'chocolate',
  'qazwsxedc', '1qaz2wsx', 'zaq12wsx', 'secret123', 'default1', 'test1234', 'testtest', 'gatehouse'
])

/** The reason a password is refused, or undefined when it is acceptable. */
export function passwordProblem (password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'is one of the most common passwords'
  return undefined
}
