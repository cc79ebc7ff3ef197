/** The ioredis connection: bounded waits, so a Redis outage makes requests fail fast instead of hang. */
import { Redis, ReplyError } from 'ioredis'
import { ServiceUnavailableError } from '../../errors.js'

export const COMMAND_TIMEOUT_MS = 1000

export function createRedisClient (url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    // No offline queue: while disconnected a command fails at once, and the request answers 503.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000)
  })
}

/** Connects once at start; a Redis that cannot be reached then is a configuration error. */
export async function connectRedis (redis: Redis): Promise<void> {
  try {
    await redis.connect()
  } catch (err) {
    redis.disconnect()
    throw new Error(`REDIS_URL: cannot connect to Redis (${err instanceof Error ? err.message : String(err)})`)
  }
}

/** Redis that did not answer becomes a 503; an error Redis answered with stays a bug. */
export function toStoreError (err: unknown): unknown {
  if (err instanceof ReplyError) return err
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
