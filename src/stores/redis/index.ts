/** The shared store: every record in Redis under one prefix, so any number of instances serve together. */
import type { Redis } from 'ioredis'
import type { Store } from '../store.js'
import { connectRedis, createRedisClient, failClosed, type RedisCredentials } from './connection.js'
import { redisKeyNames } from './key-names.js'
import { createRedisUserStore } from './users.js'
import { createRedisClientStore } from './clients.js'
import { createRedisSigningKeyStore } from './signing-keys.js'
import { createRedisSessionStore } from './sessions.js'
import { createRedisRevocationFeed, createRedisRevocationStore } from '@gatehouse-auth/fastify'

export interface RedisStoreOptions {
  /** A connection opened with openRedis; whoever opened it closes it. */
  redis: Redis
  prefix: string
}

/** Opens the connection gatehouse uses for everything in Redis: store, rate limits, pub/sub. */
export async function openRedis (url: string, credentials: RedisCredentials = {}): Promise<Redis> {
  const redis = createRedisClient(url, credentials)
  // Without a listener, ioredis reports each failed reconnection as an unhandled 'error' event.
  redis.on('error', () => {})
  await connectRedis(redis)
  return redis
}

export async function closeRedis (redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit()
  else redis.disconnect()
}

export function createRedisStore ({ redis, prefix }: RedisStoreOptions): Store {
  const keys = redisKeyNames(prefix)

  return {
    mode: 'redis',
    users: failClosed(createRedisUserStore(redis, keys)),
    clients: failClosed(createRedisClientStore(redis, keys)),
    signingKeys: failClosed(createRedisSigningKeyStore(redis, keys)),
    sessions: failClosed(createRedisSessionStore(redis, keys)),
    revocations: failClosed(createRedisRevocationStore(redis, keys)),
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
