/** The signing key ring, loaded (or generated once and stored) at start. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { loadKeyRing } from '../../src/keys/load-key-ring.js'
import type { KeyRing } from '../../src/keys/key-ring.js'

declare module 'fastify' {
  interface FastifyInstance {
    keyRing: KeyRing
  }
}

async function keys (fastify: FastifyInstance): Promise<void> {
  const ring = await loadKeyRing(fastify.config, fastify.store.signingKeys)
  fastify.decorate('keyRing', ring)
  fastify.log.info({ kid: ring.active.kid, alg: ring.active.alg, verifying: ring.jwks.keys.length }, 'signing key ready')
}

export default fp(keys, { name: 'keys', fastify: '5.x', dependencies: ['stores'] })
