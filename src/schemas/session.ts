/** Request and reply bodies of the session routes. */
import { Type } from '@sinclair/typebox'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './user.js'
import { MAX_TOKEN_LENGTH } from '../tokens/verify.js'

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
