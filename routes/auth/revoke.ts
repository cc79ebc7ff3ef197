/** POST /auth/revoke: RFC 7009 token revocation for registered service clients. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import { MAX_TOKEN_LENGTH } from '@gatehouse-auth/fastify'
import { OAuthInvalidRequestError } from '../../src/errors.js'
import { ErrorReply } from '../../src/schemas/error.js'
import { ClientAuthenticationFields, OAuthError } from '../../src/schemas/oauth.js'

const RevocationRequest = Type.Object({
  token: Type.Optional(Type.String({ maxLength: MAX_TOKEN_LENGTH })),
  token_type_hint: Type.Optional(Type.String({ maxLength: 64, description: 'access_token or refresh_token; a hint only' })),
  ...ClientAuthenticationFields
})

const revoke: FastifyPluginAsyncTypebox = async (fastify) => {
  await fastify.register(formbody)
  fastify.removeContentTypeParser('application/json')
  fastify.post('/revoke', {
    config: { auth: 'public' }, // the client authenticates itself, in the handler
    attachValidation: true,
    schema: {
      tags: ['oauth'],
      summary: 'Token revocation (RFC 7009)',
      description: 'application/x-www-form-urlencoded: token (and an optional token_type_hint). An access token is revoked by its jti on every instance; a refresh token ends its session. A client may revoke the tokens issued to it; one with the scope gatehouse:revoke, any token. 200 also for unknown or invalid tokens (RFC 7009 2.2).',
      consumes: ['application/x-www-form-urlencoded'],
      security: [{ clientBasic: [] }, {}],
      body: RevocationRequest,
      response: { 200: Type.Object({}, { description: 'Revoked, or nothing to revoke' }), 400: Type.Union([OAuthError, ErrorReply]), 401: OAuthError, 413: ErrorReply, 415: ErrorReply, 429: ErrorReply, 503: ErrorReply }
    }
  }, async (request, reply) => {
    if (request.validationError !== undefined) throw new OAuthInvalidRequestError(request.validationError.message)
    const client = await fastify.authenticateClient(request, reply, request.body)
    if (request.body.token === undefined) throw new OAuthInvalidRequestError('token is required')
    const result = await fastify.revokeToken(client, request.body.token)
    if (result.outcome === 'revoked') request.securityEvent('token.revoked', { client_id: client.id, token_type: result.tokenType })
    if (result.outcome === 'refused') request.securityEvent('token.revoke_refused', { client_id: client.id, token_type: result.tokenType })
    reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
    return {}
  })
}

export default revoke
