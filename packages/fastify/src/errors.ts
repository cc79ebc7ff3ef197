/** Every error this plugin answers with, made once with @fastify/error: a stable code and a status. */
import createError from '@fastify/error'

// 401: the request has no valid credentials (the plugin adds the RFC 6750 challenge).
export const MissingTokenError = createError('AUTH_MISSING_TOKEN', 'No access token was sent', 401)
export const InvalidTokenError = createError<[string]>('AUTH_INVALID_TOKEN', 'Invalid token: %s', 401)
export const TokenExpiredError = createError('AUTH_TOKEN_EXPIRED', 'The token has expired', 401)
export const TokenRevokedError = createError('AUTH_TOKEN_REVOKED', 'The token has been revoked', 401)
export const FreshTokenRequiredError = createError('AUTH_FRESH_REQUIRED', 'This action needs a token from a password login', 401)

// 403: authenticated, but not allowed.
export const ForbiddenError = createError<[string]>('AUTH_FORBIDDEN', 'Missing %s', 403)
export const CsrfError = createError('AUTH_CSRF', 'A cookie-authenticated request must carry the X-CSRF-Token header', 403)

// 503: what verification depends on (the JWKS, the revocation view) is away; protected routes refuse rather than guess.
export const ServiceUnavailableError = createError<[string]>('SERVICE_UNAVAILABLE', 'Service unavailable: %s', 503)

/** Codes whose 401 means the token itself was bad, so the challenge says error="invalid_token" (RFC 6750 3.1). */
export const INVALID_TOKEN_CODES: ReadonlySet<string> = new Set(['AUTH_INVALID_TOKEN', 'AUTH_TOKEN_EXPIRED', 'AUTH_TOKEN_REVOKED'])
