/** Token signing and verification, compiled once against the key ring. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createTokenSigner, type TokenSigner } from '../../src/tokens/sign.js'
import { createTokenVerifier, type TokenVerifier } from '../../src/tokens/verify.js'

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
      algorithms: fastify.keyRing.algorithms,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE
    })
  })
}

export default fp(tokens, { name: 'tokens', fastify: '5.x', dependencies: ['keys'] })
