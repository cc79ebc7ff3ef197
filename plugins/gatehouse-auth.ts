/**
 * gatehouse-auth: the plugin another Fastify service registers to accept gatehouse's access tokens. Keys come
 * from gatehouse's JWKS URL (or one public key), and routes declare `config.auth` as gatehouse's own do. With
 * `redis`, revocations are checked in the same local view gatehouse keeps, failing closed (503) while it is out
 * of sync; without it there is no revocation check: a revoked token passes until it expires.
 *
 * It imports no store, password, session or server code of gatehouse (test/plugins/gatehouse-auth-imports.test.ts).
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { Redis } from 'ioredis'
import authorization from './app/authorization.js'
import { bearerChallenge } from './app/error-handler.js'
import { revocationTargets } from './app/revocation.js'
import { ASYMMETRIC_ALGORITHMS } from '../src/algorithms.js'
import { createJwksClient, verificationKeyOf, type AsymmetricAlgorithm } from '../src/keys/jwks-client.js'
import { createTokenVerifier, type VerificationKey } from '../src/tokens/verify.js'
import type { AccessClaims } from '../src/tokens/claims.js'
import { createRevocationView } from '../src/stores/revocation-view.js'
import { createRedisRevocationStore } from '../src/stores/redis/revocations.js'
import { createRedisRevocationFeed } from '../src/stores/redis/revocation-feed.js'
import { redisKeyNames } from '../src/stores/redis/key-names.js'
import { createRedisClient } from '../src/stores/redis/connection.js'

const Milliseconds = Type.Integer({ minimum: 0 })

export const GatehouseAuthOptionsSchema = Type.Object({
  /** gatehouse's /.well-known/jwks.json; exactly one of jwksUrl and publicKey. */
  jwksUrl: Type.Optional(Type.String({ minLength: 1 })),
  /** One public key (PEM or JWK): for a gatehouse with a configured key file; rotating it means a redeploy. */
  publicKey: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Unsafe<JsonWebKey>(Type.Object({ kty: Type.String() }))])),
  /** Default: every asymmetric algorithm; each key still verifies only with its own alg. */
  algorithms: Type.Optional(Type.Array(Type.Union(ASYMMETRIC_ALGORITHMS.map((alg) => Type.Literal(alg))), { minItems: 1, uniqueItems: true })),
  issuer: Type.String({ minLength: 1 }),
  audience: Type.String({ minLength: 1 }),
  /** gatehouse's Redis (an ioredis instance, or a URL this plugin connects to and closes). */
  redis: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Unsafe<Redis>(Type.Object({}))])),
  /** gatehouse's REDIS_PREFIX. */
  redisPrefix: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9:_{}.-]{1,64}$' })),
  jwks: Type.Optional(Type.Object({
    cooldownMs: Type.Optional(Milliseconds),
    minCacheMs: Type.Optional(Milliseconds),
    maxCacheMs: Type.Optional(Milliseconds),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1 }))
  }, { additionalProperties: false }))
}, { additionalProperties: false })

export type GatehouseAuthOptions = Static<typeof GatehouseAuthOptionsSchema>
export type { RouteAuth } from '../src/schemas/route-auth.js'
export type { AccessClaims } from '../src/tokens/claims.js'
// Re-exported so that a service's TypeScript sees this module's `config.auth` and `request.claims` typings.
export type { AuthorizationOptions } from './app/authorization.js'

const optionsChecker = TypeCompiler.Compile(GatehouseAuthOptionsSchema)

function fail (message: string): never {
  throw new Error(`gatehouse-auth: ${message}`)
}

/** Asserts the options at registration, so a misconfigured service does not start. */
function checkOptions (opts: unknown): GatehouseAuthOptions {
  const algorithms: unknown = typeof opts === 'object' && opts !== null ? (opts as { algorithms?: unknown }).algorithms : undefined
  const refused = Array.isArray(algorithms) ? algorithms.find((alg) => !(ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(alg)) : undefined
  // HS* would need gatehouse's secret in this service; 'none' verifies nothing.
  if (refused !== undefined) fail(`algorithm ${String(refused)} is not accepted: only ${ASYMMETRIC_ALGORITHMS.join(', ')}`)
  const error = optionsChecker.Errors(opts).First()
  if (error !== undefined) fail(`option ${error.path.slice(1).replaceAll('/', '.') || '(options)'}: ${error.message}`)
  const options = opts as GatehouseAuthOptions
  if ((options.jwksUrl === undefined) === (options.publicKey === undefined)) fail('give exactly one of jwksUrl and publicKey')
  if (options.jwksUrl !== undefined && !(URL.canParse(options.jwksUrl) && /^https?:$/.test(new URL(options.jwksUrl).protocol))) {
    fail('jwksUrl must be an absolute http(s) URL')
  }
  if (typeof options.redis === 'object' && typeof options.redis.duplicate !== 'function') fail('redis must be an ioredis instance or a redis:// URL')
  if ((options.jwks?.minCacheMs ?? 0) > (options.jwks?.maxCacheMs ?? Infinity)) fail('jwks.minCacheMs is larger than jwks.maxCacheMs')
  return options
}

const CURVE_ALGORITHMS: Record<string, AsymmetricAlgorithm> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', Ed25519: 'EdDSA' }

/** The one key of `publicKey`, with its algorithm: the JWK's alg, the only configured one, or its curve's. */
function staticKey (publicKey: string | JsonWebKey, algorithms: readonly AsymmetricAlgorithm[] | undefined): VerificationKey {
  const given: JsonWebKey = typeof publicKey === 'string' ? {} : publicKey
  if (typeof publicKey === 'string' ? publicKey.includes('PRIVATE KEY') : ('d' in given || given.kty === 'oct')) {
    fail('publicKey must be a public key: never give a private key or a secret to a service that only verifies')
  }
  let jwk: JsonWebKey
  try {
    jwk = typeof publicKey === 'string' ? createPublicKey(publicKey).export({ format: 'jwk' }) : publicKey
  } catch (err) {
    fail(`publicKey is not a readable PEM public key (${err instanceof Error ? err.message : String(err)})`)
  }
  const alg = jwk.alg ?? (algorithms?.length === 1 ? algorithms[0] : CURVE_ALGORITHMS[String(jwk.crv)])
  if (alg === undefined) fail('cannot tell the algorithm of this publicKey (an RSA key serves several): give algorithms with one entry (RS256, PS256, ...) or a JWK with alg')
  if (algorithms !== undefined && !(algorithms as readonly unknown[]).includes(alg)) fail(`publicKey is for ${String(alg)}, which algorithms does not list`)
  return verificationKeyOf({ ...jwk }, alg) ?? fail(`publicKey is not a usable ${String(alg)} signature key`)
}

async function closeConnection (redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit()
  else redis.disconnect()
}

/** The same local revocation view gatehouse keeps: loaded from Redis, kept current by pub/sub, closed with the app. */
async function revocationCheck (fastify: FastifyInstance, option: Redis | string, prefix: string) {
  const owned = typeof option === 'string'
  const redis = owned ? createRedisClient(option) : option
  if (owned) redis.on('error', () => {}) // reconnection is ioredis's job; the view reports being out of sync
  const keys = redisKeyNames(prefix)
  const view = createRevocationView(createRedisRevocationStore(redis, keys), createRedisRevocationFeed(redis, keys.revocationChannel))
  const close = async () => {
    await view.close()
    if (owned) await closeConnection(redis)
  }
  try {
    if (redis.status === 'wait') await redis.connect() // lazyConnect: not connected yet
    await view.start()
  } catch (err) {
    await close()
    fail(`cannot reach Redis to load revocations (${err instanceof Error ? err.message : String(err)})`)
  }
  fastify.addHook('onClose', close)
  // Throws SERVICE_UNAVAILABLE (503) while the view may have missed a revocation: fail closed, never open.
  return async (claims: AccessClaims) => await view.isRevoked(revocationTargets(claims))
}

async function gatehouseAuth (fastify: FastifyInstance, opts: GatehouseAuthOptions): Promise<void> {
  const options = checkOptions(opts)
  const key = options.publicKey === undefined ? undefined : staticKey(options.publicKey, options.algorithms)
  const jwks = options.jwksUrl === undefined ? undefined : createJwksClient({ url: options.jwksUrl, ...options.jwks })
  const verifier = createTokenVerifier({
    // A static key answers every kid; the verifier still requires the token's alg to be that key's.
    findKey: async (kid) => key ?? await jwks?.find(kid),
    algorithms: options.algorithms ?? (key === undefined ? ASYMMETRIC_ALGORITHMS : [key.alg]),
    issuer: options.issuer,
    audience: options.audience
  })
  const isRevoked = options.redis === undefined ? undefined : await revocationCheck(fastify, options.redis, options.redisPrefix ?? 'gatehouse:')
  if (isRevoked === undefined) fastify.log.info('gatehouse-auth: no redis option, so revoked tokens pass until they expire')

  // The contract's RFC 6750 challenge on this plugin's 401s, whatever error handler the service has.
  fastify.addHook('onError', async (_request, reply, error) => {
    if (error.statusCode !== 401 || typeof error.code !== 'string' || !error.code.startsWith('AUTH_') || reply.hasHeader('www-authenticate')) return
    reply.header('www-authenticate', bearerChallenge(error.code, error.message))
  })
  await fastify.register(authorization, { verify: verifier.verifyAccess, ...(isRevoked === undefined ? {} : { isRevoked }) })
}

export default fp(gatehouseAuth, { name: 'gatehouse-auth', fastify: '5.x' })
