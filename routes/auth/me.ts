/** GET /auth/me: who the token says the caller is, read from the token alone. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { SessionUserReply, sessionUserOf } from '../../src/schemas/session.js'
import { ErrorReply } from '../../src/schemas/error.js'

const me: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/me', {
    config: { auth: {} },
    schema: { tags: ['auth'], summary: 'The signed-in user, from the token (no store round trip)', response: { 200: SessionUserReply, 401: ErrorReply, 503: ErrorReply } }
  }, async (request) => sessionUserOf(request.requireClaims()))
}

export default me
