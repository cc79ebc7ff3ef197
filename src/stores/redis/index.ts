/** The shared store: every record in Redis under one prefix, so any number of instances serve together. */
import type { Redis } from 'ioredis'
import type { Store } from '../store.js'
import { connectRedis, createRedisClient, failClosed } from './connection.js'
import { redisKeyNames } from './key-names.js'
import { createRedisUserStore } from './users.js'
import { createRedisClientStore } from './clients.js'
import { createRedisSigningKeyStore } from './signing-keys.js'
import { createRedisSessionStore } from './sessions.js'
import { createRedisRevocationStore } from './revocations.js'

export interface RedisStoreOptions {
  url: string
  prefix: string
}

export async function createRedisStore ({ url, prefix }: RedisStoreOptions): Promise<Store & { redis: Redis }> {
  const redis = createRedisClient(url)
  // Without a listener, ioredis reports each failed reconnection as an unhandled 'error' event.
  redis.on('error', () => {})
  await connectRedis(redis)
  const keys = redisKeyNames(prefix)

  return {
    mode: 'redis',
    redis,
    users: failClosed(createRedisUserStore(redis, keys)),
    clients: failClosed(createRedisClientStore(redis, keys)),
    signingKeys: failClosed(createRedisSigningKeyStore(redis, keys)),
    sessions: failClosed(createRedisSessionStore(redis, keys)),
    revocations: failClosed(createRedisRevocationStore(redis, keys)),
    async ping () {
      try {
        return redis.status === 'ready' && (await redis.ping()) === 'PONG'
      } catch {
        return false
      }
    },
    async close () {
      if (redis.status === 'ready') await redis.quit()
      else redis.disconnect()
    }
  }
}
