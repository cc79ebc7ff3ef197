/** POST /auth/password: change one's password with a fresh token; every other session of the user ends. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { PasswordBody } from '../../src/schemas/session.js'
import { ErrorReply } from '../../src/schemas/error.js'
import { InvalidCredentialsError } from '../../src/errors.js'

const password: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/password', {
    config: { auth: { fresh: true } },
    schema: {
      tags: ['auth'],
      summary: 'Change the password (needs a token straight from a password login)',
      body: PasswordBody,
      response: { 204: Type.Null({ description: 'Changed; the other sessions are revoked, this one stays' }), 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 429: ErrorReply, 503: ErrorReply }
    }
  }, async (request, reply) => {
    const claims = request.requireClaims()
    // A wrong current password counts as a failed sign-in: a stolen session cannot guess its way to the password.
    await fastify.loginThrottle.guard(request, reply, claims.username ?? claims.sub,
      async () => await fastify.sessions.changePassword(claims, request.body.current_password, request.body.new_password),
      (err) => err instanceof InvalidCredentialsError)
    request.securityEvent('password.changed', { user_id: claims.sub, ...(claims.sid === undefined ? {} : { session_id: claims.sid }) })
    return reply.code(204).send(null)
  })
}

export default password
