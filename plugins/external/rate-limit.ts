/**
 * @fastify/rate-limit with no global limit: routes create the limiters they need (login). Counters in Redis when
 * shared; in memory when embedded, in a store no flood of other keys can empty (src/rate-limit-store.ts).
 */
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { createMemoryRateLimitStore } from '../../src/rate-limit-store.js'

async function rateLimitPlugin (fastify: FastifyInstance): Promise<void> {
  const { config, redis } = fastify
  await fastify.register(rateLimit, {
    global: false,
    ...(redis === null
      ? { store: createMemoryRateLimitStore(config.RATE_LIMIT_MEMORY_KEYS) }
      : { redis, nameSpace: `${config.REDIS_PREFIX}rate-limit:` })
  })
}

export default fp(rateLimitPlugin, { name: 'rate-limit', fastify: '5.x', dependencies: ['redis'] })
