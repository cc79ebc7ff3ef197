/** Sessions (login, refresh, logout, password change) and the cookies that carry them for browsers. */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { createSessionService, type SessionService } from '../../src/sessions/service.js'
import { clearedSessionCookies, sessionCookies, type SessionCookie } from '../../src/tokens/cookies.js'

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionService
  }
  interface FastifyReply {
    setSessionCookies (tokens: { accessToken: string, refreshToken: string, csrf: string }): FastifyReply
    clearSessionCookies (): FastifyReply
  }
}

function setAll (reply: FastifyReply, cookies: SessionCookie[]): FastifyReply {
  for (const { name, value, attributes } of cookies) reply.setCookie(name, value, attributes)
  return reply
}

async function sessions (fastify: FastifyInstance): Promise<void> {
  const { config } = fastify
  const settings = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, accessTtl: config.ACCESS_TOKEN_TTL, refreshTtl: config.REFRESH_TOKEN_TTL, reuseGraceSeconds: config.REFRESH_REUSE_GRACE, maxLifetimeSeconds: config.SESSION_MAX_LIFETIME }
  fastify.decorate('sessions', createSessionService({ store: fastify.store, sign: fastify.tokens.sign, verifier: fastify.tokens.verifier, settings }))

  const cookieSettings = { secure: config.COOKIE_SECURE, accessTtl: config.ACCESS_TOKEN_TTL, refreshTtl: config.REFRESH_TOKEN_TTL }
  fastify.decorateReply('setSessionCookies', function (this: FastifyReply, tokens: { accessToken: string, refreshToken: string, csrf: string }) {
    return setAll(this, sessionCookies(tokens, cookieSettings))
  })
  fastify.decorateReply('clearSessionCookies', function (this: FastifyReply) {
    // clearCookie sends both Max-Age=0 and an Expires in 1970: some clients (curl) honour only the latter.
    for (const { name, attributes } of clearedSessionCookies(cookieSettings)) this.clearCookie(name, attributes)
    return this
  })
}

export default fp(sessions, { name: 'sessions', fastify: '5.x', dependencies: ['stores', 'tokens', 'cookie'] })
