/** /.well-known: the public keys that verify gatehouse's tokens (RFC 7517) and the server's metadata (RFC 8414). */
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

const MetadataReply = Type.Object({
  issuer: Type.String({ description: 'equal to the iss of every token' }),
  token_endpoint: Type.String(),
  jwks_uri: Type.String(),
  grant_types_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  introspection_endpoint: Type.String({ description: 'RFC 7662' }),
  introspection_endpoint_auth_methods_supported: Type.Array(Type.String()),
  revocation_endpoint: Type.String({ description: 'RFC 7009' }),
  revocation_endpoint_auth_methods_supported: Type.Array(Type.String()),
  response_types_supported: Type.Array(Type.String())
}, { title: 'Authorization server metadata' })

// Both documents may be cached for 5 minutes. A rotated key signs at once (there is no publication lead), so a
// verifier that meets an unknown kid fetches the JWKS again at once (the verifier package does, once per 30 s):
// max-age only bounds how long a removed key may still be believed elsewhere.
const CACHE_CONTROL = 'public, max-age=300'
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post']

const wellKnown: FastifyPluginAsyncTypebox = async (fastify) => {
  if (fastify.config.PUBLIC_URL === undefined && !['127.0.0.1', '::1', 'localhost'].includes(fastify.config.HOST)) {
    fastify.log.warn({ variable: 'PUBLIC_URL' }, 'PUBLIC_URL is unset while listening beyond loopback: the OAuth metadata takes its URLs from each request\'s Host header, which a client chooses; set PUBLIC_URL')
  }
  fastify.get('/jwks.json', {
    config: { auth: 'public' },
    schema: { tags: ['keys'], summary: 'Public verification keys, each with kid, alg and use; empty for HMAC algorithms', response: { 200: JwksReply } }
  }, async (_request, reply) => {
    reply.header('cache-control', CACHE_CONTROL)
    return fastify.keyRing.jwks
  })

  fastify.get('/oauth-authorization-server', {
    config: { auth: 'public' },
    schema: { tags: ['oauth'], summary: 'Authorization server metadata (RFC 8414); URLs from PUBLIC_URL, else the request\'s host', response: { 200: MetadataReply } }
  }, async (request, reply) => {
    reply.header('cache-control', CACHE_CONTROL)
    const base = fastify.config.PUBLIC_URL ?? `${request.protocol}://${request.host}`
    // No scopes_supported (RFC 8414 makes it optional): listing every client's scopes would tell anyone what
    // services exist, cost a store query per anonymous request, and tie this page to the store's health.
    return {
      issuer: fastify.config.JWT_ISSUER,
      token_endpoint: `${base}/auth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint: `${base}/auth/introspect`,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint: `${base}/auth/revoke`,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      response_types_supported: [] // no authorization endpoint: services only use the token endpoint
    }
  })
}

export default wellKnown
