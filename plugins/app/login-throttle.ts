/**
 * Failed sign-ins are counted per client address and per username (or client id), with @fastify/rate-limit's
 * stores: in memory when embedded, in Redis when shared. Only failures count, so signing in successfully adds
 * nothing to the counts. Past the limit, attempts answer 429 with
 * Retry-After before any password is checked; attempts still being checked count too, so a burst of parallel
 * guesses gets no more tries than a sequence would (per instance: failures are shared through the store at once).
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RateLimitedError, ServiceUnavailableError } from '../../src/errors.js'
import { usernameKey } from '../../src/stores/users.js'

declare module 'fastify' {
  interface FastifyInstance {
    loginThrottle: {
      /**
       * Runs `attempt` (a password or secret check) unless the address or the account is over its limit
       * (then RATE_LIMITED and Retry-After); counts the attempt as failed when it throws an error `isFailure` accepts.
       */
      guard<T> (request: FastifyRequest, reply: FastifyReply, account: string, attempt: () => Promise<T>, isFailure: (err: unknown) => boolean): Promise<T>
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
  const inFlight = new Map<string, number>()
  const adjust = (keys: string[], by: number) => {
    for (const key of keys) {
      const count = (inFlight.get(key) ?? 0) + by
      if (count <= 0) inFlight.delete(key)
      else inFlight.set(key, count)
    }
  }

  // The counters live in Redis in shared mode: when it cannot answer, sign-in fails closed with 503.
  async function check (request: FastifyRequest, increment: boolean) {
    try {
      return await Promise.all(limiters.map(async (limiter) => await limiter(request, { increment })))
    } catch {
      throw new ServiceUnavailableError('the rate limiter (Redis) is unreachable')
    }
  }

  fastify.decorate('loginThrottle', {
    async guard (request, reply, account, attempt, isFailure) {
      request.throttledAccount = usernameKey(account)
      const keys = [`ip:${request.ip}`, `account:${request.throttledAccount}`]
      const results = await check(request, false)
      const blocked = results.filter((result, i) => !result.isAllowed && result.remaining - (inFlight.get(keys[i] ?? '') ?? 0) <= 0)
      if (blocked.length > 0) {
        const retryAfter = Math.max(1, ...blocked.map((result) => result.isAllowed ? 1 : result.ttlInSeconds))
        reply.header('retry-after', String(retryAfter))
        throw new RateLimitedError(`${retryAfter} s`)
      }
      adjust(keys, 1)
      try {
        return await attempt()
      } catch (err) {
        if (isFailure(err)) await check(request, true) // recorded before this attempt's slot is released
        throw err
      } finally {
        adjust(keys, -1)
      }
    }
  })
}

export default fp(loginThrottle, { name: 'login-throttle', fastify: '5.x', dependencies: ['rate-limit'] })
