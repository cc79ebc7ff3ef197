/** POST /auth/token: OAuth 2.0 client credentials (RFC 6749 4.4) for services calling services. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import { OAuthInvalidClientError, OAuthInvalidRequestError } from '../../src/errors.js'
import { readClientCredentials } from '../../src/oauth/client-authentication.js'
import { ErrorReply } from '../../src/schemas/error.js'

const TokenRequest = Type.Object({
  grant_type: Type.Optional(Type.String({ maxLength: 128 })),
  scope: Type.Optional(Type.String({ maxLength: 2048 })),
  client_id: Type.Optional(Type.String({ maxLength: 256 })),
  client_secret: Type.Optional(Type.String({ maxLength: 512 }))
}) // other parameters are allowed and ignored, as RFC 6749 3.2 says

const OAuthError = Type.Object({
  error: Type.String({ description: 'invalid_request, invalid_client, unsupported_grant_type or invalid_scope' }),
  error_description: Type.String(),
  statusCode: Type.Integer(),
  code: Type.String(),
  message: Type.String()
}, { title: 'OAuth error (RFC 6749 5.2)' })

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
    // RFC 6749 5.2: a client that tried HTTP Basic gets a Basic challenge with its 401, also for malformed credentials.
    if (/^Basic\b/i.test(request.headers.authorization ?? '')) reply.header('www-authenticate', 'Basic realm="gatehouse", Bearer realm="gatehouse"')
    const credentials = readClientCredentials(request.headers.authorization, request.body)
    let issued
    try {
      issued = await fastify.loginThrottle.guard(request, reply, `client:${credentials.clientId}`,
        async () => await fastify.clientCredentials({ grantType: request.body.grant_type, scope: request.body.scope, ...credentials }),
        (err) => err instanceof OAuthInvalidClientError)
    } catch (err) {
      if (err instanceof OAuthInvalidClientError) request.securityEvent('client.authentication_failed', { client_id: credentials.clientId })
      throw err
    }
    reply.removeHeader('www-authenticate')
    request.securityEvent('client.token_issued', { client_id: credentials.clientId, scope: issued.scope })
    return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send(issued)
  })
}

export default token
