/**
 * Failed sign-ins are counted per client address and per username (or client id), with @fastify/rate-limit's
 * stores: in memory when embedded, in Redis when shared. Only failures count, so a user who signs in
 * successfully is never slowed or locked out by the limiter; past the limit, attempts answer 429 with
 * Retry-After before any password is checked.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RateLimitedError, ServiceUnavailableError } from '../../src/errors.js'
import { usernameKey } from '../../src/stores/users.js'

declare module 'fastify' {
  interface FastifyInstance {
    loginThrottle: {
      /** Throws RATE_LIMITED (and sets Retry-After) when the address or the account has failed too often. */
      assertAllowed (request: FastifyRequest, reply: FastifyReply, account: string): Promise<void>
      recordFailure (request: FastifyRequest, account: string): Promise<void>
    }
  }
  interface FastifyRequest {
    throttledAccount: string
  }
}

async function loginThrottle (fastify: FastifyInstance): Promise<void> {
  const { config } = fastify
  const timeWindow = config.LOGIN_FAILURE_WINDOW * 1000
  fastify.decorateRequest('throttledAccount', '')
  const limiters = [
    fastify.createRateLimit({ max: config.LOGIN_MAX_FAILURES_PER_IP, timeWindow, keyGenerator: (request) => `login-ip:${request.ip}` }),
    fastify.createRateLimit({ max: config.LOGIN_MAX_FAILURES_PER_USERNAME, timeWindow, keyGenerator: (request) => `login-account:${request.throttledAccount}` })
  ]

  // The counters live in Redis in shared mode: when it cannot answer, sign-in fails closed with 503.
  async function check (request: FastifyRequest, account: string, increment: boolean) {
    request.throttledAccount = usernameKey(account)
    try {
      return await Promise.all(limiters.map(async (limiter) => await limiter(request, { increment })))
    } catch {
      throw new ServiceUnavailableError('the rate limiter (Redis) is unreachable')
    }
  }

  fastify.decorate('loginThrottle', {
    async assertAllowed (request, reply, account) {
      const results = await check(request, account, false)
      const blocked = results.filter((result) => !result.isAllowed && result.remaining === 0)
      if (blocked.length === 0) return
      const retryAfter = Math.max(1, ...blocked.map((result) => result.isAllowed ? 1 : result.ttlInSeconds))
      reply.header('retry-after', String(retryAfter))
      throw new RateLimitedError(`${retryAfter} s`)
    },
    async recordFailure (request, account) {
      await check(request, account, true)
    }
  })
}

export default fp(loginThrottle, { name: 'login-throttle', fastify: '5.x', dependencies: ['rate-limit'] })
