/** The shared store: every record in Redis under one prefix, so any number of instances serve together. */
import type { RedisSettings } from '@gatehouse-auth/fastify'
import type { Store } from '../store.js'
import { connectRedis, createRedisClient, failClosed, type RedisConnection } from './connection.js'
import { redisKeyNames } from './key-names.js'
import { replicaConfirmation } from './replication.js'
import { createRedisUserStore } from './users.js'
import { createRedisClientStore } from './clients.js'
import { createRedisSigningKeyStore } from './signing-keys.js'
import { createRedisSessionStore } from './sessions.js'
import { createRedisApiKeyStore } from './api-keys.js'
import { createRedisRevocationFeed, createRedisRevocationStore } from '@gatehouse-auth/fastify'

export interface RedisStoreOptions {
  /** A connection opened with openRedis; whoever opened it closes it. */
  redis: RedisConnection
  prefix: string
  /** Replicas that must hold each durable write before it is answered (default 0: the primary's acknowledgement). */
  replicas?: number
  /** How long a write waits for them before answering 503 (REDIS_REPLICA_TIMEOUT_MS). */
  replicaTimeoutMs?: number
}

/** Opens the connection gatehouse uses for everything in Redis: store, rate limits, pub/sub. */
export async function openRedis (settings: RedisSettings): Promise<RedisConnection> {
  const redis = createRedisClient(settings)
  // Without a listener, ioredis reports each failed reconnection as an unhandled 'error' event.
  redis.on('error', () => {})
  await connectRedis(redis, settings)
  return redis
}

export async function closeRedis (redis: RedisConnection): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => {})
  redis.disconnect() // also after QUIT: only disconnect() closes the connections Sentinel's failover detector opened
}

/** The replicas to wait for: REDIS_MIN_REPLICAS, else one wherever a failover can promote a replica. */
export function replicasToWaitFor (settings: RedisSettings, configured: number | undefined): number {
  return configured ?? (typeof settings === 'string' ? 0 : 1)
}

export function createRedisStore ({ redis, prefix, replicas = 0, replicaTimeoutMs = 500 }: RedisStoreOptions): Store {
  const keys = redisKeyNames(prefix)
  const confirm = replicaConfirmation(redis, replicas, replicaTimeoutMs)

  return {
    mode: 'redis',
    users: failClosed(createRedisUserStore(redis, keys, confirm)),
    clients: failClosed(createRedisClientStore(redis, keys, confirm)),
    signingKeys: failClosed(createRedisSigningKeyStore(redis, keys, confirm)),
    sessions: failClosed(createRedisSessionStore(redis, keys, confirm)),
    apiKeys: failClosed(createRedisApiKeyStore(redis, keys, confirm)),
    revocations: failClosed(createRedisRevocationStore(redis, keys, { confirmWrite: confirm })),
    revocationFeed: () => createRedisRevocationFeed(redis, keys.revocationChannel),
    async ping () {
      try {
        return redis.status === 'ready' && (await redis.ping()) === 'PONG'
      } catch {
        return false
      }
    },
    async close () {} // the connection belongs to whoever opened it
  }
}
