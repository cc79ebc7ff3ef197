/** POST /auth/introspect: RFC 7662 token introspection for registered service clients, from the local view. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import { MAX_TOKEN_LENGTH } from '@gatehouse-auth/fastify'
import { OAuthInvalidRequestError } from '../../src/errors.js'
import { ErrorReply } from '../../src/schemas/error.js'
import { ClientAuthenticationFields, OAuthError } from '../../src/schemas/oauth.js'

const IntrospectionRequest = Type.Object({
  token: Type.Optional(Type.String({ maxLength: MAX_TOKEN_LENGTH })),
  token_type_hint: Type.Optional(Type.String({ maxLength: 64, description: 'access_token or refresh_token; a hint only' })),
  ...ClientAuthenticationFields
}) // other parameters are allowed and ignored

const IntrospectionReply = Type.Object({
  active: Type.Boolean(),
  sub: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  roles: Type.Optional(Type.Array(Type.String())),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  iss: Type.Optional(Type.String()),
  aud: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  jti: Type.Optional(Type.String()),
  sid: Type.Optional(Type.String()),
  token_type: Type.Optional(Type.Literal('Bearer'))
}, { title: 'Token introspection (RFC 7662)' })

const introspect: FastifyPluginAsyncTypebox = async (fastify) => {
  // Form bodies here only, as on the token endpoint (RFC 7662 2.1 is form-encoded).
  await fastify.register(formbody)
  fastify.removeContentTypeParser('application/json')
  fastify.post('/introspect', {
    config: { auth: 'public' }, // the client authenticates itself, in the handler
    attachValidation: true,
    schema: {
      tags: ['oauth'],
      summary: 'Token introspection (RFC 7662)',
      description: 'application/x-www-form-urlencoded: token (and an optional token_type_hint). The client authenticates as on /auth/token. { active: false } for anything that is not an access token valid now (revoked, expired, malformed, a refresh token).',
      consumes: ['application/x-www-form-urlencoded'],
      security: [{ clientBasic: [] }, {}],
      body: IntrospectionRequest,
      response: { 200: IntrospectionReply, 400: Type.Union([OAuthError, ErrorReply]), 401: OAuthError, 413: ErrorReply, 415: ErrorReply, 429: ErrorReply, 503: ErrorReply }
    }
  }, async (request, reply) => {
    if (request.validationError !== undefined) throw new OAuthInvalidRequestError(request.validationError.message)
    await fastify.authenticateClient(request, reply, request.body)
    if (request.body.token === undefined) throw new OAuthInvalidRequestError('token is required')
    reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
    return await fastify.introspectToken(request.body.token)
  })
}

export default introspect
