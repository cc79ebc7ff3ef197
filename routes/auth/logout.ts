/** POST /auth/logout and /auth/logout-all: end this session, or every session of this user. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorReply } from '../../src/schemas/error.js'

const responses = { 204: Type.Null({ description: 'Signed out; the session cookies are cleared' }), 401: ErrorReply, 403: ErrorReply, 503: ErrorReply }

const logout: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/logout', {
    config: { auth: {} },
    schema: { tags: ['auth'], summary: 'End this session: its access and refresh tokens stop working at once', response: responses }
  }, async (request, reply) => {
    const claims = request.requireClaims()
    await fastify.sessions.logout(claims)
    const byClient = claims.sid === undefined && claims.type !== 'api_key'
    request.securityEvent('logout', { [byClient ? 'client_id' : 'user_id']: claims.sub, ...(claims.sid === undefined ? {} : { session_id: claims.sid }) })
    return reply.clearSessionCookies().code(204).send()
  })

  fastify.post('/logout-all', {
    config: { auth: {} },
    schema: { tags: ['auth'], summary: 'End every session of this user, on every device', response: responses }
  }, async (request, reply) => {
    const claims = request.requireClaims()
    // A service token has no sessions: it is revoked alone. A user's API key signs its user out everywhere.
    if (claims.sid === undefined && claims.type !== 'api_key') await fastify.sessions.logout(claims)
    else await fastify.sessions.revokeUserSessions(claims.sub)
    request.securityEvent('logout_all', { user_id: claims.sub })
    return reply.clearSessionCookies().code(204).send()
  })
}

export default logout
