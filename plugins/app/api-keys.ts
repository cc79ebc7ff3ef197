/** Personal API keys, on the configured store, signed with the ring's active key. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createApiKeyService, type ApiKeyService } from '../../src/sessions/api-keys.js'
import { createSessionRevoker } from '../../src/sessions/revoke.js'
import { epochSeconds } from '../../src/ids.js'

declare module 'fastify' {
  interface FastifyInstance {
    apiKeys: ApiKeyService
  }
}

// Keys this instance has seen used, so the store is asked about a key's first use once per instance, not per request.
const SEEN_LIMIT = 100_000

async function apiKeys (fastify: FastifyInstance): Promise<void> {
  const { config, store } = fastify
  const seen = new Set<string>()
  fastify.addHook('onResponse', async (request, reply) => {
    const claims = request.claims
    if (claims?.type !== 'api_key' || reply.statusCode >= 400 || seen.has(claims.jti)) return
    if (seen.size >= SEEN_LIMIT) seen.clear() // then a few more asks, each answered false
    seen.add(claims.jti)
    try {
      if (await store.apiKeys.markUsed(claims.jti, epochSeconds())) request.securityEvent('api_key.first_used', { user_id: claims.sub, api_key_id: claims.jti })
    } catch {
      seen.delete(claims.jti) // the store was away: ask again next time
    }
  })
  fastify.decorate('apiKeys', createApiKeyService({
    store,
    revoker: createSessionRevoker(store, config.REFRESH_TOKEN_TTL),
    signing: { sign: fastify.tokens.sign, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }
  }))
}

export default fp(apiKeys, { name: 'api-keys', fastify: '5.x', dependencies: ['stores', 'tokens', 'security-events'] })
