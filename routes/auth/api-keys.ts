/** /auth/api-keys: personal API keys, created from a fresh password sign-in, listed, and revoked at once. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ErrorReply } from '../../src/schemas/error.js'
import { ApiKeyIdParams, ApiKeyListReply, CreateApiKeyBody, CreatedApiKeyReply, apiKeyListReply } from '../../src/schemas/api-keys.js'
import { NotFoundError } from '../../src/errors.js'
import { userIdOf } from '../../src/sessions/caller.js'

const errors = { 401: ErrorReply, 403: ErrorReply, 503: ErrorReply }

const apiKeys: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/api-keys', {
    // fresh: only straight from a password sign-in, so never from an API key, a refreshed token or a service token
    config: { auth: { fresh: true } },
    schema: {
      tags: ['auth'],
      summary: 'Create a personal API key',
      description: 'Needs a token from a password sign-in (an API key cannot make another). The key acts as you with the roles given (a subset of yours) until it expires or is revoked; changing your password or roles, or being disabled, revokes it. It is answered once.',
      body: CreateApiKeyBody,
      response: { 201: CreatedApiKeyReply, 400: ErrorReply, ...errors }
    }
  }, async (request, reply) => {
    const userId = userIdOf(request.requireClaims())
    const { name, roles, expires_in: expiresIn } = request.body
    const { record, apiKey } = await fastify.apiKeys.create(userId, { name, ...(roles === undefined ? {} : { roles }), ...(expiresIn === undefined ? {} : { expiresIn }) })
    request.securityEvent('api_key.created', { user_id: userId, api_key_id: record.id })
    reply.code(201).header('cache-control', 'no-store')
    return { id: record.id, name: record.name, roles: record.roles, expires_at: new Date(record.expiresAt * 1000).toISOString(), api_key: apiKey }
  })

  fastify.get('/api-keys', {
    config: { auth: {} },
    schema: { tags: ['auth'], summary: 'List your API keys (never the keys themselves)', response: { 200: ApiKeyListReply, ...errors } }
  }, async (request) => apiKeyListReply(await fastify.apiKeys.list(userIdOf(request.requireClaims()))))

  fastify.delete('/api-keys/:id', {
    config: { auth: {} },
    schema: {
      tags: ['auth'],
      summary: 'Revoke one of your API keys',
      description: 'Refused at once on every instance and every service that shares the revocations. Another user\'s key, or an unknown id, is 404.',
      params: ApiKeyIdParams,
      response: { 204: Type.Null(), 400: ErrorReply, 404: ErrorReply, ...errors }
    }
  }, async (request, reply) => {
    const userId = userIdOf(request.requireClaims())
    if (!await fastify.apiKeys.revoke(userId, request.params.id)) throw new NotFoundError('API key')
    request.securityEvent('api_key.revoked', { user_id: userId, api_key_id: request.params.id })
    return reply.code(204).send(null)
  })
}

export default apiKeys
