/** The plugin's options, as a TypeBox schema, asserted at registration so a misconfigured service does not start. */
import type { JsonWebKey } from 'node:crypto'
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ALGORITHMS, isAsymmetric } from './algorithms.js'
import type { VerificationKey } from './verify.js'
import { isRedisClient, type RevocationRedis } from './revocation/redis-client.js'
import type { RevocationTarget } from './revocation/targets.js'

const Milliseconds = Type.Integer({ minimum: 0 })

const RedisNodes = Type.Array(Type.Object({ host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 1, maximum: 65535 }) }, { additionalProperties: false }), { minItems: 1 })
const RedisAccessProperties = {
  username: Type.Optional(Type.String({ minLength: 1 })),
  password: Type.Optional(Type.String({ minLength: 1 })),
  tls: Type.Optional(Type.Boolean())
}
const RedisSentinelSchema = Type.Object({ sentinels: RedisNodes, name: Type.Optional(Type.String({ minLength: 1 })), ...RedisAccessProperties }, { additionalProperties: false })
const RedisClusterSchema = Type.Object({ clusterNodes: RedisNodes, ...RedisAccessProperties }, { additionalProperties: false })
const redisSettingsCheckers = { sentinels: TypeCompiler.Compile(RedisSentinelSchema), clusterNodes: TypeCompiler.Compile(RedisClusterSchema) }

/** Your own key lookup by kid (gatehouse passes its live key ring). */
export type KeyLookup = (kid: string) => VerificationKey | undefined | Promise<VerificationKey | undefined>

/** Your own revocation view: answers from memory, or throws a 503 while it may have missed a revocation. */
export interface RevocationChecker {
  isRevoked (targets: readonly RevocationTarget[]): Promise<boolean>
}

export const GatehouseAuthOptionsSchema = Type.Object({
  /** gatehouse's /.well-known/jwks.json. Exactly one of jwksUrl, publicKey and findKey. */
  jwksUrl: Type.Optional(Type.String({ minLength: 1 })),
  /** One public key (PEM or JWK): for a gatehouse with a configured key file; rotating it means a redeploy. */
  publicKey: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Unsafe<JsonWebKey>(Type.Object({ kty: Type.String() }))])),
  /** A key lookup of your own: what gatehouse itself passes (its key ring). */
  findKey: Type.Optional(Type.Unsafe<KeyLookup>(Type.Function([Type.String()], Type.Unknown()))),
  /** Default: every asymmetric algorithm; each key still verifies only with its own alg. HS* only with findKey. */
  algorithms: Type.Optional(Type.Array(Type.Union(ALGORITHMS.map((alg) => Type.Literal(alg))), { minItems: 1, uniqueItems: true })),
  issuer: Type.String({ minLength: 1 }),
  audience: Type.String({ minLength: 1 }),
  /**
   * gatehouse's Redis, for revocations: an ioredis client (`Redis` or `Cluster`), or where to connect (with ioredis,
   * closed with the app): a `redis://`/`rediss://` URL, `{ sentinels, name }` or `{ clusterNodes }`.
   */
  redis: Type.Optional(Type.Union([
    Type.String({ minLength: 1 }),
    RedisSentinelSchema,
    RedisClusterSchema,
    Type.Unsafe<RevocationRedis>(Type.Object({}))
  ])),
  /** gatehouse's REDIS_PREFIX. */
  redisPrefix: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9:_{}.-]{1,64}$' })),
  /** A revocation view of your own, instead of redis: what gatehouse itself passes. */
  revocations: Type.Optional(Type.Unsafe<RevocationChecker>(Type.Object({}))),
  /**
   * A transition for a gatehouse upgraded from before RFC 9068 typing: access tokens with header typ JWT pass when
   * issued (iat) at or before this epoch second. Unset: only typ at+jwt passes.
   */
  untypedIssuedBefore: Type.Optional(Type.Integer({ minimum: 0 })),
  jwks: Type.Optional(Type.Object({
    cooldownMs: Type.Optional(Milliseconds),
    minCacheMs: Type.Optional(Milliseconds),
    maxCacheMs: Type.Optional(Milliseconds),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    firstRetryMs: Type.Optional(Type.Integer({ minimum: 1 })),
    maxRetryMs: Type.Optional(Type.Integer({ minimum: 1 }))
  }, { additionalProperties: false }))
}, { additionalProperties: false })

export type GatehouseAuthOptions = Static<typeof GatehouseAuthOptionsSchema>

const optionsChecker = TypeCompiler.Compile(GatehouseAuthOptionsSchema)

/** The options, or an Error saying which one is wrong and how. */
export function checkOptions (opts: unknown): GatehouseAuthOptions {
  const error = optionsChecker.Errors(opts).First()
  if (error !== undefined) throw new Error(`option ${error.path.slice(1).replaceAll('/', '.') || '(options)'}: ${error.message}`)
  const options = opts as GatehouseAuthOptions
  const sources = [options.jwksUrl, options.publicKey, options.findKey].filter((source) => source !== undefined)
  if (sources.length !== 1) throw new Error('give exactly one of jwksUrl, publicKey and findKey')
  // HS* would need gatehouse's secret in this service; a shared secret can forge as well as verify.
  const symmetric = options.findKey === undefined ? options.algorithms?.find((alg) => !isAsymmetric(alg)) : undefined
  if (symmetric !== undefined) throw new Error(`algorithm ${symmetric} is not accepted with jwksUrl or publicKey: only asymmetric ones`)
  if (options.jwksUrl !== undefined && !(URL.canParse(options.jwksUrl) && /^https?:$/.test(new URL(options.jwksUrl).protocol))) {
    throw new Error('jwksUrl must be an absolute http(s) URL')
  }
  if (options.redis !== undefined && options.revocations !== undefined) throw new Error('give at most one of redis and revocations')
  if (typeof options.redis === 'object') checkRedisObject(options.redis)
  if (options.revocations !== undefined && typeof options.revocations.isRevoked !== 'function') throw new Error('revocations must have an isRevoked(targets) method')
  if ((options.jwks?.minCacheMs ?? 0) > (options.jwks?.maxCacheMs ?? Infinity)) throw new Error('jwks.minCacheMs is larger than jwks.maxCacheMs')
  return options
}

// The union's last branch (a client) matches any object, so settings objects are checked against their own schema.
function checkRedisObject (redis: object): void {
  for (const [property, checker] of Object.entries(redisSettingsCheckers)) {
    if (!(property in redis)) continue
    const error = checker.Errors(redis).First()
    if (error !== undefined) throw new Error(`redis${error.path.replaceAll('/', '.')}: ${error.message}`)
    return
  }
  if (!isRedisClient(redis)) throw new Error('redis must be an ioredis client, a redis:// URL, { sentinels } or { clusterNodes }')
}
