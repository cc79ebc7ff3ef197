/** Request and reply bodies of the admin routes. */
import { Type } from '@sinclair/typebox'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, RoleSchema, UsernameSchema } from './user.js'

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'page size' }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'next_cursor of the previous page' }))
}, { additionalProperties: false })

const Password = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not a common password` })
const Roles = Type.Array(RoleSchema, { maxItems: 64, uniqueItems: true })

export const CreateUserBody = Type.Object({
  username: UsernameSchema,
  password: Password,
  roles: Type.Optional(Roles),
  disabled: Type.Optional(Type.Boolean({ description: 'create the account disabled' }))
}, { additionalProperties: false })

export const UpdateUserBody = Type.Object({
  password: Type.Optional(Password),
  roles: Type.Optional(Roles),
  disabled: Type.Optional(Type.Boolean())
}, { additionalProperties: false, minProperties: 1 })

export const ScopeSchema = Type.String({ pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}$', description: 'an OAuth scope such as orders:read' })

export const CreateClientBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  scopes: Type.Array(ScopeSchema, { maxItems: 64, uniqueItems: true, default: [] })
}, { additionalProperties: false })

export const ClientReply = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' })
}, { title: 'Service client' })

export const CreatedClientReply = Type.Object({
  ...ClientReply.properties,
  client_secret: Type.String({ description: 'shown once: only its hash is stored' })
}, { title: 'New service client' })

export const RevokedSessionsReply = Type.Object({ revoked_sessions: Type.Integer() })

/**
 * A page of a keyset listing fetched with one extra item: the extra one only tells whether another page
 * follows, and the cursor is then the last id shown.
 */
export function pageOf<T extends { id: string }> (fetched: T[], limit: number): { items: T[], next_cursor: string | null } {
  const items = fetched.slice(0, limit)
  return { items, next_cursor: fetched.length > limit ? items[items.length - 1]?.id ?? null : null }
}
