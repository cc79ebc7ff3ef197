/** Every error code gatehouse answers with, made once with @fastify/error (the token errors, in the verifier package). */
import createError from '@fastify/error'
import { TokenRevokedError } from '@gatehouse-auth/fastify'

// What a token check answers (401, 403 and 503), made once for gatehouse and every service that verifies its tokens.
export {
  CsrfError, ForbiddenError, FreshTokenRequiredError, INVALID_TOKEN_CODES, InvalidTokenError, MissingTokenError,
  ServiceUnavailableError, TokenExpiredError, TokenRevokedError
} from '@gatehouse-auth/fastify'

// 401: the client has no valid credentials (RFC 6750 challenges are added by the error handler).
export const MissingRefreshTokenError = createError('AUTH_MISSING_TOKEN', 'No refresh token was sent (body refresh_token, or the refresh_token cookie of a cookie session)', 401)
/** To the client a reused refresh token is just revoked; the mark says whose session, for the route's log line. */
export interface RefreshReuse { userId: string, sessionId: string }
export function refreshReuseError (reuse: RefreshReuse): Error & { refreshReuse: RefreshReuse } {
  return Object.assign(new TokenRevokedError(), { refreshReuse: reuse })
}
export function refreshReuseOf (err: unknown): RefreshReuse | undefined {
  return err instanceof Error && 'refreshReuse' in err ? (err as { refreshReuse: RefreshReuse }).refreshReuse : undefined
}
export const InvalidCredentialsError = createError('AUTH_INVALID_CREDENTIALS', 'Invalid username or password', 401)
export const SessionEndedError = createError('AUTH_TOKEN_EXPIRED', 'The session has reached SESSION_MAX_LIFETIME: sign in again', 401)

// 400, 404, 409, 429: the input, the resource, the state, the pace.
export const WeakPasswordError = createError<[string]>('WEAK_PASSWORD', 'The password %s', 400)
export const KeyConfiguredError = createError('KEY_CONFIGURED', 'The signing key comes from JWT_PRIVATE_KEY_FILE or JWT_SECRET: rotate it by replacing that and restarting', 409)
export const LastAdminError = createError('LAST_ADMIN', 'This would leave no enabled admin: add or enable another admin first', 409)
export const NotFoundError = createError<[string]>('NOT_FOUND', '%s not found', 404)
export const RouteNotFoundError = createError<[string, string]>('NOT_FOUND', 'Route %s %s not found', 404)
export const UsernameTakenError = createError<[string]>('USERNAME_TAKEN', 'The username %s is taken', 409)
export const RateLimitedError = createError<[string]>('RATE_LIMITED', 'Too many requests, retry in %s', 429)

// OAuth 2.0 token endpoint errors (RFC 6749 5.2): answered as { error, error_description } besides our shape.
export const OAuthInvalidRequestError = createError<[string]>('OAUTH_INVALID_REQUEST', '%s', 400)
export const OAuthInvalidClientError = createError<[string]>('OAUTH_INVALID_CLIENT', '%s', 401)
export const OAuthUnsupportedGrantTypeError = createError<[string]>('OAUTH_UNSUPPORTED_GRANT_TYPE', '%s', 400)
export const OAuthInvalidScopeError = createError<[string]>('OAUTH_INVALID_SCOPE', '%s', 400)
export const OAUTH_CODE_PREFIX = 'OAUTH_'
