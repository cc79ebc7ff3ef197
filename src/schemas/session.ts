/** Request and reply bodies of the session routes. */
import { Type, type Static } from '@sinclair/typebox'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './user.js'
import { MAX_TOKEN_LENGTH } from '@gatehouse-auth/fastify'

export const SessionUserReply = Type.Object({
  id: Type.String(),
  username: Type.String(),
  roles: Type.Array(Type.String())
}, { title: 'Signed-in user' })

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 256 }),
  password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  mode: Type.Optional(Type.Union([Type.Literal('cookie'), Type.Literal('token')], { default: 'cookie', description: 'cookie (default): set the session cookies; token: answer the tokens' }))
}, { additionalProperties: false })

export const TokenReply = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'seconds the access token lives' }),
  user: SessionUserReply
}, { title: 'Tokens' })

export const CookieSessionReply = Type.Object({
  user: SessionUserReply,
  csrf_token: Type.String({ description: 'send it back as X-CSRF-Token on unsafe requests (also in the csrf_token cookie)' }),
  expires_in: Type.Integer({ description: 'seconds the access token lives' })
}, { title: 'Cookie session' })

export const RefreshBody = Type.Object({
  refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_TOKEN_LENGTH, description: 'token mode; without it, the refresh_token cookie and X-CSRF-Token are used' }))
}, { additionalProperties: false })

export const PasswordBody = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  new_password: Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
}, { additionalProperties: false })

interface IssuedSession {
  accessToken: string
  refreshToken: string
  expiresIn: number
  user: Static<typeof SessionUserReply>
  csrf?: string
}

/** The token-mode answer of login and refresh. */
export function tokenReply (session: IssuedSession): Static<typeof TokenReply> {
  return { access_token: session.accessToken, refresh_token: session.refreshToken, token_type: 'Bearer', expires_in: session.expiresIn, user: session.user }
}

/** The cookie-mode answer of login and refresh (the tokens themselves go in the cookies). */
export function cookieSessionReply (session: IssuedSession & { csrf: string }): Static<typeof CookieSessionReply> {
  return { user: session.user, csrf_token: session.csrf, expires_in: session.expiresIn }
}

/** Who an access token says its bearer is. */
export function sessionUserOf (claims: { sub: string, username?: string, roles: string[] }): Static<typeof SessionUserReply> {
  return { id: claims.sub, username: claims.username ?? claims.sub, roles: claims.roles }
}
