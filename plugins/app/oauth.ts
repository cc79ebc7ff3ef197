/** RFC 7662 introspection and RFC 7009 revocation for registered service clients, from the local revocation view. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createIntrospection } from '../../src/oauth/introspection.js'
import { createTokenRevocation } from '../../src/oauth/revocation.js'

declare module 'fastify' {
  interface FastifyInstance {
    introspectToken: ReturnType<typeof createIntrospection>
    revokeToken: ReturnType<typeof createTokenRevocation>
  }
}

async function oauth (fastify: FastifyInstance): Promise<void> {
  const { store, tokens, sessions } = fastify
  fastify.decorate('introspectToken', createIntrospection(tokens.verifier, store.revocations))
  fastify.decorate('revokeToken', createTokenRevocation({ verifier: tokens.verifier, revocations: store.revocations, endSession: sessions.endSession }))
}

export default fp(oauth, { name: 'oauth', fastify: '5.x', dependencies: ['stores', 'tokens', 'sessions'] })
