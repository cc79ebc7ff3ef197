/**
 * @gatehouse-auth/fastify: the plugin a Fastify service registers to accept gatehouse's access tokens. Keys come
 * from gatehouse's JWKS URL (or one public key, or a lookup of your own), and routes declare `config.auth`. With
 * `redis`, revocations are checked in the same local view gatehouse keeps, failing closed (503) while it is out
 * of sync; without it there is no revocation check: a revoked token passes until it expires.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ASYMMETRIC_ALGORITHMS, isAsymmetric } from './algorithms.js'
import authorization from './authorization.js'
import { bearerChallenge } from './challenge.js'
import type { Claims } from './claims.js'
import { createJwksClient } from './jwks-client.js'
import { checkOptions, type GatehouseAuthOptions, type KeyLookup, type RevocationChecker } from './options.js'
import { connectRedisSettings, connectWithin, isRedisClient, type RedisSettings, type RevocationRedis } from './revocation/redis-client.js'
import { createRedisRevocationFeed } from './revocation/redis-feed.js'
import { createRedisRevocationStore, revocationKeyNames } from './revocation/redis-store.js'
import { revocationTargets } from './revocation/targets.js'
import { createRevocationView } from './revocation/view.js'
import { staticKey } from './static-key.js'
import { refuseUnseenRoutes } from './unseen-routes.js'
import { createTokenVerifier } from './verify.js'

const NAME = '@gatehouse-auth/fastify'

function fail (message: string): never {
  throw new Error(`${NAME}: ${message}`)
}

async function closeConnection (redis: RevocationRedis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => {})
  redis.disconnect() // also after QUIT: only disconnect() closes the connections Sentinel's failover detector opened
}

/** The same local revocation view gatehouse keeps: loaded from Redis, kept current by pub/sub, closed with the app. */
async function redisRevocations (fastify: FastifyInstance, option: RevocationRedis | RedisSettings, prefix: string): Promise<RevocationChecker> {
  const redis = typeof option === 'object' && isRedisClient(option) ? option : await connectRedisSettings(option)
  const owned = redis !== option
  if (owned) redis.on('error', () => {}) // reconnection is ioredis's job; the view reports being out of sync
  const keys = revocationKeyNames(prefix)
  const view = createRevocationView(createRedisRevocationStore(redis, keys), createRedisRevocationFeed(redis, keys.revocationChannel))
  const close = async () => {
    await view.close()
    if (owned) await closeConnection(redis)
  }
  try {
    if (redis.status === 'wait') await connectWithin(redis) // lazyConnect: not connected yet
    await view.start()
  } catch (err) {
    await close()
    fail(`cannot reach Redis to load revocations (${err instanceof Error ? err.message : String(err)})`)
  }
  fastify.addHook('onClose', close)
  return view
}

/** Where keys come from: gatehouse's JWKS (fetched in the background from the start), one static key, or your lookup. */
function keySource (fastify: FastifyInstance, options: GatehouseAuthOptions): KeyLookup {
  if (options.findKey !== undefined) return options.findKey
  if (options.publicKey !== undefined) {
    let key
    try {
      key = staticKey(options.publicKey, options.algorithms?.filter(isAsymmetric))
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err))
    }
    return () => key // a static key answers every kid; the verifier still requires the token's alg to be the key's
  }
  const url = options.jwksUrl ?? fail('no key source')
  const jwks = createJwksClient({
    url,
    ...options.jwks,
    onFetchError: (error, retryInMs) => {
      fastify.log.warn({ jwksUrl: url, err: error.message, retryInMs }, retryInMs === undefined
        ? `${NAME}: cannot refresh gatehouse's JWKS; verifying with the keys fetched before`
        : `${NAME}: cannot fetch gatehouse's JWKS; protected routes answer 503 until it is reachable`)
    }
  })
  jwks.start()
  fastify.addHook('onClose', async () => jwks.close())
  return async (kid) => await jwks.find(kid)
}

async function gatehouseAuth (fastify: FastifyInstance, opts: GatehouseAuthOptions): Promise<void> {
  let options: GatehouseAuthOptions
  try {
    options = checkOptions(opts)
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err))
  }
  const findKey = keySource(fastify, options)
  const verifier = createTokenVerifier({
    findKey,
    algorithms: options.algorithms ?? ASYMMETRIC_ALGORITHMS,
    issuer: options.issuer,
    audience: options.audience,
    ...(options.untypedIssuedBefore === undefined ? {} : { untypedIssuedBefore: options.untypedIssuedBefore })
  })
  const revocations = options.revocations ??
    (options.redis === undefined ? undefined : await redisRevocations(fastify, options.redis, options.redisPrefix ?? 'gatehouse:'))
  if (revocations === undefined) fastify.log.warn(`${NAME}: no redis option, so revoked tokens pass until they expire`)

  // The contract's RFC 6750 challenge on this plugin's 401s, whatever error handler the service has.
  fastify.addHook('onError', async (_request, reply, error) => {
    if (error.statusCode !== 401 || typeof error.code !== 'string' || !error.code.startsWith('AUTH_') || reply.hasHeader('www-authenticate')) return
    reply.header('www-authenticate', bearerChallenge(error.code, error.message))
  })
  refuseUnseenRoutes(fastify, NAME)
  await fastify.register(authorization, {
    verify: verifier.verifyAccess,
    ...(revocations === undefined ? {} : { isRevoked: async (claims: Claims) => await revocations.isRevoked(revocationTargets(claims)) })
  })
}

export default fp(gatehouseAuth, { name: NAME, fastify: '5.x' })
