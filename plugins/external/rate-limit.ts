/** @fastify/rate-limit with no global limit: routes create the limiters they need (login). Counters in Redis when shared. */
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'

async function rateLimitPlugin (fastify: FastifyInstance): Promise<void> {
  await fastify.register(rateLimit, {
    global: false,
    ...(fastify.redis === null ? {} : { redis: fastify.redis, nameSpace: `${fastify.config.REDIS_PREFIX}rate-limit:` })
  })
}

export default fp(rateLimitPlugin, { name: 'rate-limit', fastify: '5.x', dependencies: ['redis'] })
