/**
 * The revocation check every protected request makes: the token's session, its subject, and the token itself.
 * One small interface, so a local view kept in sync across instances can replace the store lookup in one place.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { AccessClaims } from '../../src/tokens/claims.js'
import type { RevocationTarget } from '../../src/stores/revocations.js'

export type RevocationCheck = (claims: AccessClaims) => Promise<boolean>

declare module 'fastify' {
  interface FastifyInstance {
    isRevoked: RevocationCheck
  }
}

export function revocationTargets (claims: AccessClaims): RevocationTarget[] {
  const targets: RevocationTarget[] = [{ kind: 'subject', id: claims.sub }, { kind: 'token', id: claims.jti }]
  if (claims.sid !== undefined) targets.push({ kind: 'session', id: claims.sid })
  return targets
}

async function revocation (fastify: FastifyInstance): Promise<void> {
  // The store throws SERVICE_UNAVAILABLE when it cannot answer: the request fails closed with 503.
  fastify.decorate('isRevoked', async (claims: AccessClaims) => await fastify.store.revocations.isRevoked(revocationTargets(claims)))
}

export default fp(revocation, { name: 'revocation', fastify: '5.x', dependencies: ['stores'] })
