/** GET /.well-known/jwks.json: the public keys that verify gatehouse's tokens (RFC 7517). */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

// Served under /.well-known: autoload would otherwise take the folder name as the prefix.
export const prefixOverride = '/.well-known'

const JwksReply = Type.Object({
  keys: Type.Array(Type.Object({
    kty: Type.String(),
    kid: Type.String(),
    alg: Type.String(),
    use: Type.Literal('sig'),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    y: Type.Optional(Type.String()),
    n: Type.Optional(Type.String()),
    e: Type.Optional(Type.String())
  }))
}, { title: 'JSON Web Key Set' })

const wellKnown: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/jwks.json', {
    config: { auth: 'public' },
    schema: { tags: ['keys'], summary: 'Public verification keys, each with kid, alg and use; empty for HMAC algorithms', response: { 200: JwksReply } }
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300')
    return fastify.keyRing.jwks
  })
}

export default wellKnown
