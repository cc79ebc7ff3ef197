/** Token signing and verification, compiled once against the key ring. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createTokenSigner, type TokenSigner } from '../../src/tokens/sign.js'
import { createTokenVerifier, type TokenVerifier } from '@gatehouse-auth/fastify'
import { ALGORITHMS } from '../../src/algorithms.js'
import { epochSeconds } from '../../src/ids.js'

declare module 'fastify' {
  interface FastifyInstance {
    tokens: {
      sign: TokenSigner
      /** Access and refresh tokens, checked as the verifier package does. */
      verifier: TokenVerifier
      /** The end of the transition to RFC 9068 typing: tokens of the older format pass if issued before it. */
      untypedIssuedBefore: number
    }
  }
}

async function tokens (fastify: FastifyInstance): Promise<void> {
  const { config } = fastify
  // Every token issued from now on is typed, so an untyped one was issued before this start (by an earlier
  // version); such tokens live at most REFRESH_TOKEN_TTL, which bounds the transition.
  const untypedIssuedBefore = epochSeconds()
  fastify.decorate('tokens', {
    untypedIssuedBefore,
    sign: createTokenSigner(() => fastify.keyRing.active),
    verifier: createTokenVerifier({
      findKey: (kid) => fastify.keyRing.find(kid),
      // Keys may change algorithm by rotation while the service runs: each kid verifies only with its own
      // key's algorithm (checked by the verifier), so the list here is every algorithm we sign with.
      algorithms: ALGORITHMS,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      refreshTokens: true,
      untypedIssuedBefore
    })
  })
}

export default fp(tokens, { name: 'tokens', fastify: '5.x', dependencies: ['keys'] })
