/**
 * gatehouse's own routes are guarded by the verifier package, registered exactly as another service registers it,
 * with gatehouse's live key ring as its key lookup and gatehouse's revocation view as its revocation check.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import gatehouseAuth from '@gatehouse-auth/fastify'
import { ALGORITHMS } from '../../src/algorithms.js'

async function verifier (fastify: FastifyInstance): Promise<void> {
  const { config, keyRing, store, tokens } = fastify
  await fastify.register(gatehouseAuth, {
    findKey: (kid) => keyRing.find(kid),
    // Keys may change algorithm by rotation while the service runs: each kid verifies only with its own key's
    // algorithm (checked by the verifier), so the list here is every algorithm gatehouse signs with.
    algorithms: [...ALGORITHMS],
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    revocations: store.revocations,
    untypedIssuedBefore: tokens.untypedIssuedBefore
  })
}

export default fp(verifier, { name: 'verifier', fastify: '5.x', dependencies: ['keys', 'stores', 'tokens'] })
