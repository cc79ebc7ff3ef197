/** Personal API keys, on the configured store, signed with the ring's active key. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createApiKeyService, type ApiKeyService } from '../../src/sessions/api-keys.js'
import { createSessionRevoker } from '../../src/sessions/revoke.js'

declare module 'fastify' {
  interface FastifyInstance {
    apiKeys: ApiKeyService
  }
}

async function apiKeys (fastify: FastifyInstance): Promise<void> {
  const { config, store } = fastify
  fastify.decorate('apiKeys', createApiKeyService({
    store,
    revoker: createSessionRevoker(store, config.REFRESH_TOKEN_TTL),
    signing: { sign: fastify.tokens.sign, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }
  }))
}

export default fp(apiKeys, { name: 'api-keys', fastify: '5.x', dependencies: ['stores', 'tokens'] })
