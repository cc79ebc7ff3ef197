/** POST /auth/token: OAuth 2.0 client credentials (RFC 6749 4.4) for services calling services. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import { OAuthInvalidRequestError } from '../../src/errors.js'
import { ErrorReply } from '../../src/schemas/error.js'
import { ClientAuthenticationFields, OAuthError } from '../../src/schemas/oauth.js'

const TokenRequest = Type.Object({
  grant_type: Type.Optional(Type.String({ maxLength: 128 })),
  scope: Type.Optional(Type.String({ maxLength: 2048 })),
  ...ClientAuthenticationFields
}) // other parameters are allowed and ignored, as RFC 6749 3.2 says

const ServiceTokenReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String({ description: 'space-separated scopes granted' })
})

const token: FastifyPluginAsyncTypebox = async (fastify) => {
  // Form bodies here only (this file is its own encapsulated plugin): elsewhere, accepting them would let any
  // site's plain HTML form post to gatehouse without a CORS preflight (a login CSRF, for one).
  await fastify.register(formbody)
  // RFC 6749 4.4.2: the token request is form-encoded; anything else answers 415.
  fastify.removeContentTypeParser('application/json')
  fastify.post('/token', {
    config: { auth: 'public' },
    attachValidation: true, // a malformed request answers invalid_request, in the RFC's shape
    schema: {
      tags: ['oauth'],
      summary: 'Client credentials grant: a service token',
      description: 'application/x-www-form-urlencoded: grant_type=client_credentials and an optional scope. The client authenticates with HTTP Basic or client_id and client_secret, never both.',
      consumes: ['application/x-www-form-urlencoded'],
      security: [{ clientBasic: [] }, {}], // Basic, or none in the header: client_id and client_secret in the form
      body: TokenRequest,
      // Throttling and outages are not OAuth errors: they answer in gatehouse's own shape.
      // A body the server cannot even parse (413, 415, malformed) answers in gatehouse's shape, as everywhere.
      response: { 200: ServiceTokenReply, 400: Type.Union([OAuthError, ErrorReply]), 401: OAuthError, 413: ErrorReply, 415: ErrorReply, 429: ErrorReply, 503: ErrorReply }
    }
  }, async (request, reply) => {
    if (request.validationError !== undefined) throw new OAuthInvalidRequestError(request.validationError.message)
    const client = await fastify.authenticateClient(request, reply, request.body)
    const issued = fastify.clientCredentials(client, { grantType: request.body.grant_type, scope: request.body.scope })
    request.securityEvent('client.token_issued', { client_id: client.id, scope: issued.scope })
    return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send(issued)
  })
}

export default token
