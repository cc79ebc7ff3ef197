/** POST /auth/login: a password for a session, in cookies (browsers) or as tokens (other clients). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CookieSessionReply, LoginBody, TokenReply, cookieSessionReply, tokenReply } from '../../src/schemas/session.js'
import { ErrorReply } from '../../src/schemas/error.js'
import { Type } from '@sinclair/typebox'
import { InvalidCredentialsError, RateLimitedError } from '../../src/errors.js'
import { sightingOf } from '../../src/sessions/sighting.js'

const login: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/login', {
    config: { auth: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with a username and password',
      description: 'Rate-limited per client address and per username; unknown users and wrong passwords answer alike.',
      body: LoginBody,
      response: { 200: Type.Union([CookieSessionReply, TokenReply]), 400: ErrorReply, 401: ErrorReply, 429: ErrorReply, 503: ErrorReply }
    }
  }, async (request, reply) => {
    const { username, password, mode = 'cookie' } = request.body
    let session
    try {
      session = await fastify.loginThrottle.guard(request, reply, username, async () => await fastify.sessions.login(username, password, mode, sightingOf(request)),
        (err) => err instanceof InvalidCredentialsError)
    } catch (err) {
      if (err instanceof RateLimitedError) request.securityEvent('login.rate_limited')
      if (err instanceof InvalidCredentialsError) request.securityEvent('login.failed', await fastify.sessions.knownUserId(username))
      throw err
    }
    request.securityEvent('login.succeeded', { user_id: session.user.id, session_id: session.sid })
    reply.header('cache-control', 'no-store')
    if (session.csrf === undefined) return tokenReply(session)
    reply.setSessionCookies({ accessToken: session.accessToken, refreshToken: session.refreshToken, csrf: session.csrf })
    return cookieSessionReply({ ...session, csrf: session.csrf })
  })
}

export default login
