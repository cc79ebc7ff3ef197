/** POST /auth/refresh: a refresh token for a new pair; each works once, and a reused one ends the session. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CookieSessionReply, RefreshBody, TokenReply, cookieSessionReply, tokenReply } from '../../src/schemas/session.js'
import { ErrorReply } from '../../src/schemas/error.js'
import { MissingRefreshTokenError, refreshReuseOf } from '../../src/errors.js'
import { sightingOf } from '../../src/sessions/sighting.js'

const refresh: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/refresh', {
    // Public to the access-token guard: the refresh token is the credential, checked by the handler.
    config: { auth: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Rotate a refresh token',
      description: 'Token mode: body { refresh_token }. Cookie mode: no body, the refresh_token cookie and X-CSRF-Token. A refresh token presented twice revokes its session.',
      body: RefreshBody,
      security: [{ refreshCookie: [] }, {}], // the cookie, or none: the refresh token in the body
      response: { 200: Type.Union([CookieSessionReply, TokenReply]), 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 503: ErrorReply }
    },
    // A browser's cookie refresh sends no body at all: validate it as an empty object.
    preValidation: async (request) => { request.body ??= {} }
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const fromBody = request.body.refresh_token
    const fromCookie = request.cookies.refresh_token
    const presented = fromBody ?? fromCookie
    if (presented === undefined || presented === '') throw new MissingRefreshTokenError()
    let session
    try {
      session = await fastify.sessions.refresh(presented, sightingOf(request), fromBody === undefined ? { csrfHeader: request.headers['x-csrf-token'] } : undefined)
    } catch (err) {
      const reuse = refreshReuseOf(err)
      if (reuse !== undefined) request.securityEvent('refresh.reuse_detected', { user_id: reuse.userId, session_id: reuse.sessionId })
      // A cookie session that cannot be refreshed (expired, past SESSION_MAX_LIFETIME, revoked) is over: its
      // cookies go too. A 503 changes nothing, so its retry can still succeed.
      if (fromBody === undefined && err instanceof Error && 'statusCode' in err && err.statusCode === 401) reply.clearSessionCookies()
      throw err
    }
    request.securityEvent(session.retried === true ? 'refresh.retried' : 'refresh.succeeded', { user_id: session.user.id, session_id: session.sid })
    if (fromBody !== undefined) return tokenReply(session)
    if (session.csrf === undefined) throw new MissingRefreshTokenError() // a token-mode refresh token in a cookie: not a browser session
    reply.setSessionCookies({ accessToken: session.accessToken, refreshToken: session.refreshToken, csrf: session.csrf })
    return cookieSessionReply({ ...session, csrf: session.csrf })
  })
}

export default refresh
