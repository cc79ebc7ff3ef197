/**
 * The ioredis connection, to one server, through Sentinel or to a Cluster (the verifier package's one description
 * of the options): bounded waits, so a Redis outage makes requests fail fast instead of hang.
 */
import { Cluster, Redis, ReplyError } from 'ioredis'
import { REDIS_CLIENT_OPTIONS, connectWithin, redisConstruction, type RedisSettings } from '@gatehouse-auth/fastify'
import type { Config } from '../../config.js'
import { ServiceUnavailableError } from '../../errors.js'

export const COMMAND_TIMEOUT_MS = REDIS_CLIENT_OPTIONS.commandTimeout

/** One server (REDIS_URL or through Sentinel) or a Cluster: the stores use what the two have in common. */
export type RedisConnection = Redis | Cluster

/** Where Redis is, from REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES; undefined in embedded mode. */
export function redisSettingsOf (config: Pick<Config, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_MASTER' | 'REDIS_CLUSTER_NODES' | 'REDIS_USERNAME' | 'REDIS_PASSWORD' | 'REDIS_TLS'>): RedisSettings | undefined {
  const access = {
    ...(config.REDIS_USERNAME === undefined ? {} : { username: config.REDIS_USERNAME }),
    ...(config.REDIS_PASSWORD === undefined ? {} : { password: config.REDIS_PASSWORD })
  }
  if (config.REDIS_SENTINELS !== undefined) return { sentinels: config.REDIS_SENTINELS, name: config.REDIS_SENTINEL_MASTER, tls: config.REDIS_TLS, ...access }
  if (config.REDIS_CLUSTER_NODES !== undefined) return { clusterNodes: config.REDIS_CLUSTER_NODES, tls: config.REDIS_TLS, ...access }
  if (config.REDIS_URL === undefined) return undefined
  // REDIS_USERNAME and REDIS_PASSWORD, when set, over what the URL holds.
  const url = new URL(config.REDIS_URL)
  if (access.username !== undefined) url.username = encodeURIComponent(access.username)
  if (access.password !== undefined) url.password = encodeURIComponent(access.password)
  return url.toString()
}

/** Which variable chose Redis, for messages an operator can act on. */
export function describeRedisSettings (settings: RedisSettings): string {
  if (typeof settings === 'string') return 'REDIS_URL'
  return 'sentinels' in settings ? 'REDIS_SENTINELS' : 'REDIS_CLUSTER_NODES'
}

export function createRedisClient (settings: RedisSettings): RedisConnection {
  const construction = redisConstruction(settings)
  if (construction.kind === 'cluster') return new Cluster(construction.nodes, construction.options)
  return construction.url === undefined ? new Redis(construction.options) : new Redis(construction.url, construction.options)
}

/** Connects once at start; a Redis that cannot be reached then is a configuration error. */
export async function connectRedis (redis: RedisConnection, settings: RedisSettings): Promise<void> {
  try {
    await connectWithin(redis)
  } catch (err) {
    throw new Error(`${describeRedisSettings(settings)}: cannot connect to Redis (${err instanceof Error ? err.message : String(err)})`)
  }
}

// Replies that mean "no primary can take this now" (a failover in progress, a replica not yet promoted, a shard
// down), not "this command is wrong": the request answers 503 and its retry succeeds once a primary serves again.
const UNAVAILABLE_REPLIES = /^(READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|BUSY|NOAUTH|WRONGPASS)\b/

/** Redis that did not answer, or answered that it cannot serve now, becomes a 503; any other reply stays a bug. */
export function toStoreError (err: unknown): unknown {
  if (err instanceof Error && err instanceof ReplyError && !UNAVAILABLE_REPLIES.test(err.message)) return err
  if (err instanceof Error && 'statusCode' in err) return err // ours, such as UsernameTakenError
  return new ServiceUnavailableError('the store (Redis) is unreachable')
}

/** Wraps every method of a Redis-backed store so connection failures answer 503, never 500. */
export function failClosed<T extends object> (store: T): T {
  const wrapped: Record<string, unknown> = {}
  for (const [name, member] of Object.entries(store)) {
    wrapped[name] = typeof member !== 'function'
      ? member
      : async (...args: unknown[]) => {
        try {
          return await member.apply(store, args)
        } catch (err) {
          throw toStoreError(err)
        }
      }
  }
  return wrapped as T
}
