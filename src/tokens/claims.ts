/** The claims of gatehouse's two kinds of token, as TypeBox schemas: checked after every signature check. */
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'

const Registered = {
  iss: Type.String(),
  aud: Type.Union([Type.String(), Type.Array(Type.String())]),
  sub: Type.String({ minLength: 1 }),
  iat: Type.Integer(),
  exp: Type.Integer(),
  jti: Type.String({ minLength: 1 })
}

export const AccessClaimsSchema = Type.Object({
  ...Registered,
  type: Type.Literal('access'),
  roles: Type.Array(Type.String()),
  sid: Type.Optional(Type.String()), // user tokens: the session they belong to
  scope: Type.Optional(Type.String()), // service tokens: space-separated scopes
  username: Type.Optional(Type.String()),
  fresh: Type.Boolean(), // true only straight from a password login
  csrf: Type.Optional(Type.String()) // cookie sessions: what X-CSRF-Token must equal
})

export const RefreshClaimsSchema = Type.Object({
  ...Registered,
  type: Type.Literal('refresh'),
  sid: Type.String({ minLength: 1 }),
  csrf: Type.Optional(Type.String())
})

export type AccessClaims = Static<typeof AccessClaimsSchema>
export type RefreshClaims = Static<typeof RefreshClaimsSchema>

export const accessClaimsChecker = TypeCompiler.Compile(AccessClaimsSchema)
export const refreshClaimsChecker = TypeCompiler.Compile(RefreshClaimsSchema)

/** The scopes of a token, as a list. */
export function scopesOf (claims: Pick<AccessClaims, 'scope'>): string[] {
  return claims.scope === undefined || claims.scope === '' ? [] : claims.scope.split(' ')
}
