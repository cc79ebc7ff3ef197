/** /auth/sessions: the caller's signed-in sessions (devices), and ending one of them ("sign out my old phone"). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ErrorReply } from '../../src/schemas/error.js'
import { SessionIdParams, SessionListReply, sessionListReply } from '../../src/schemas/sessions.js'
import { NotFoundError } from '../../src/errors.js'
import { userIdOf } from '../../src/sessions/caller.js'

const errors = { 401: ErrorReply, 403: ErrorReply, 503: ErrorReply }

const sessions: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/sessions', {
    config: { auth: {} },
    schema: {
      tags: ['auth'],
      summary: 'List your live sessions, newest first',
      description: 'Each sign-in is a session; `current` marks the one of the token that asks (an API key has none). Service tokens have no sessions (403).',
      response: { 200: SessionListReply, ...errors }
    }
  }, async (request, reply) => {
    const claims = request.requireClaims()
    reply.header('cache-control', 'no-store')
    return sessionListReply(await fastify.sessions.listSessions(userIdOf(claims)), claims.sid)
  })

  fastify.delete('/sessions/:id', {
    config: { auth: {} },
    schema: {
      tags: ['auth'],
      summary: 'End one of your sessions',
      description: 'Its access and refresh tokens fail at once, on every instance. Another user\'s session, or an unknown id, is 404. Ending the current one also clears its cookies.',
      params: SessionIdParams,
      response: { 204: Type.Null(), 400: ErrorReply, 404: ErrorReply, ...errors }
    }
  }, async (request, reply) => {
    const claims = request.requireClaims()
    if (!await fastify.sessions.endOwnSession(userIdOf(claims), request.params.id)) throw new NotFoundError('Session')
    request.securityEvent('session.ended', { user_id: claims.sub, session_id: request.params.id })
    if (request.params.id === claims.sid) reply.clearSessionCookies()
    return reply.code(204).send(null)
  })
}

export default sessions
