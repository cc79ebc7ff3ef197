/** Token signing and verification, compiled once against the key ring. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createTokenSigner, type TokenSigner } from '../../src/tokens/sign.js'
import { createTokenVerifier, type TokenVerifier } from '@gatehouse-auth/fastify'
import { ALGORITHMS } from '../../src/algorithms.js'

declare module 'fastify' {
  interface FastifyInstance {
    tokens: { sign: TokenSigner, verifier: TokenVerifier }
  }
}

async function tokens (fastify: FastifyInstance): Promise<void> {
  const { config } = fastify
  fastify.decorate('tokens', {
    sign: createTokenSigner(() => fastify.keyRing.active),
    verifier: createTokenVerifier({
      findKey: (kid) => fastify.keyRing.find(kid),
      // Keys may change algorithm by rotation while the service runs: each kid verifies only with its own
      // key's algorithm (checked by the verifier), so the list here is every algorithm we sign with.
      algorithms: ALGORITHMS,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE
    })
  })
}

export default fp(tokens, { name: 'tokens', fastify: '5.x', dependencies: ['keys'] })
