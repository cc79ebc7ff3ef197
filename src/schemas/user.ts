/** Users as the API shows them: never a password or its hash. */
import { Type } from '@sinclair/typebox'

// Letters, digits and . _ @ - (an email address fits), starting with a letter or digit; 1 to 64 characters.
export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 1024

export const UsernameSchema = Type.String({ pattern: USERNAME_PATTERN, minLength: 1, maxLength: 64, description: 'letters, digits and . _ @ -, starting with a letter or digit; unique regardless of case' })
export const RoleSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$', description: 'a role name such as admin or editor' })

export const UserReply = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  roles: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, { title: 'User' })
