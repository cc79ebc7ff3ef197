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
    request.securityEvent('logout', { [claims.sid === undefined ? 'client_id' : 'user_id']: claims.sub, ...(claims.sid === undefined ? {} : { session_id: claims.sid }) })
    return reply.clearSessionCookies().code(204).send()
  })

  fastify.post('/logout-all', {
    config: { auth: {} },
    schema: { tags: ['auth'], summary: 'End every session of this user, on every device', response: responses }
  }, async (request, reply) => {
    const claims = request.requireClaims()
    if (claims.sid === undefined) await fastify.sessions.logout(claims) // a service token has no sessions: revoke it alone
    else await fastify.sessions.revokeUserSessions(claims.sub)
    request.securityEvent('logout_all', { user_id: claims.sub })
    return reply.clearSessionCookies().code(204).send()
  })
}

export default logout
