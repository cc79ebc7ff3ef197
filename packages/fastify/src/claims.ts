/**
 * The claims of gatehouse's tokens, as TypeBox schemas, checked after every signature check: access tokens and API
 * keys (both accepted where an access token is expected), and refresh tokens.
 */
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
  // 'api_key': a user's personal API key, long-lived, never fresh, revocable by its jti (the key's id)
  type: Type.Union([Type.Literal('access'), Type.Literal('api_key')]),
  roles: Type.Array(Type.String()),
  sid: Type.Optional(Type.String()), // user tokens: the session they belong to
  scope: Type.Optional(Type.String()), // service tokens: space-separated scopes
  client_id: Type.Optional(Type.String()), // service tokens (RFC 9068): the client the token was issued to
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

/**
 * Claims of a service's own, added to the type of `request.claims` by module augmentation, as @fastify/jwt's
 * `FastifyJWT`: `declare module '@gatehouse-auth/fastify' { interface CustomClaims { tenant?: string } }`.
 * Types only: nothing checks them at run time, so declare optional what gatehouse does not always issue.
 */
export interface CustomClaims {}

/** What `request.claims` holds on a protected route: the verified access token's claims. */
export type Claims = AccessClaims & CustomClaims
export type RefreshClaims = Static<typeof RefreshClaimsSchema>

export const accessClaimsChecker = TypeCompiler.Compile(AccessClaimsSchema)
export const refreshClaimsChecker = TypeCompiler.Compile(RefreshClaimsSchema)

/** The scopes of a token, as a list. */
export function scopesOf (claims: Pick<AccessClaims, 'scope'>): string[] {
  return claims.scope === undefined || claims.scope === '' ? [] : claims.scope.split(' ')
}
