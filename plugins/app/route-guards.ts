/** Wires the authorization plugin to gatehouse's own token verifier and revocation check. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import authorization from './authorization.js'

async function routeGuards (fastify: FastifyInstance): Promise<void> {
  await fastify.register(authorization, { verify: fastify.tokens.verifier.verifyAccess, isRevoked: fastify.isRevoked })
}

export default fp(routeGuards, { name: 'route-guards', fastify: '5.x', dependencies: ['tokens', 'revocation'] })
