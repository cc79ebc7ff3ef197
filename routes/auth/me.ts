/** GET /auth/me: who the token says the caller is, read from the token alone. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { SessionUserReply, sessionUserOf } from '../../src/schemas/session.js'
import { ErrorReply } from '../../src/schemas/error.js'

// A service token says it is a client, in fields of its own: nothing a client is named can pass for a user.
const ServiceCallerReply = Type.Object({
  id: Type.String({ description: 'the client id (sub)' }),
  client_id: Type.String(),
  roles: Type.Array(Type.String()),
  scope: Type.String()
}, { title: 'Service client' })

const me: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/me', {
    config: { auth: {} },
    schema: { tags: ['auth'], summary: 'The signed-in user (or the calling service client), from the token (no store round trip)', response: { 200: Type.Union([SessionUserReply, ServiceCallerReply]), 401: ErrorReply, 503: ErrorReply } }
  }, async (request) => {
    const claims = request.requireClaims()
    if (claims.client_id !== undefined) return { id: claims.sub, client_id: claims.client_id, roles: claims.roles, scope: claims.scope ?? '' }
    return sessionUserOf(claims)
  })
}

export default me
