/** The Redis connection when REDIS_URL is set (null in embedded mode), shared by the store and the rate limiter. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { closeRedis, openRedis } from '../../src/stores/redis/index.js'
import { redisCredentials } from '../../src/stores/redis/connection.js'

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null
  }
}

async function redisPlugin (fastify: FastifyInstance): Promise<void> {
  const url = fastify.config.REDIS_URL
  const redis = url === undefined ? null : await openRedis(url, redisCredentials(fastify.config))
  fastify.decorate('redis', redis)
  if (redis !== null) fastify.addHook('onClose', async () => await closeRedis(redis))
}

export default fp(redisPlugin, { name: 'redis', fastify: '5.x' })
