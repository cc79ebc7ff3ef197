/** The Redis connection (one server, Sentinel or Cluster; null in embedded mode), shared by the store and the rate limiter. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { closeRedis, openRedis } from '../../src/stores/redis/index.js'
import { redisSettingsOf, type RedisConnection } from '../../src/stores/redis/connection.js'

declare module 'fastify' {
  interface FastifyInstance {
    redis: RedisConnection | null
  }
}

async function redisPlugin (fastify: FastifyInstance): Promise<void> {
  const settings = redisSettingsOf(fastify.config)
  const redis = settings === undefined ? null : await openRedis(settings)
  fastify.decorate<RedisConnection | null>('redis', redis)
  if (redis !== null) fastify.addHook('onClose', async () => await closeRedis(redis))
}

export default fp(redisPlugin, { name: 'redis', fastify: '5.x' })
