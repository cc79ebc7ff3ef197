/** The ioredis connection: bounded waits, so a Redis outage makes requests fail fast instead of hang. */
import { Redis, ReplyError } from 'ioredis'
import { REDIS_CLIENT_OPTIONS } from '@gatehouse-auth/fastify'
import { ServiceUnavailableError } from '../../errors.js'

export const COMMAND_TIMEOUT_MS = REDIS_CLIENT_OPTIONS.commandTimeout

// The same bounded waits as the verifier package's connections: no offline queue, so an outage answers 503 at once.
export interface RedisCredentials { username?: string, password?: string }

export function createRedisClient (url: string, credentials: RedisCredentials = {}): Redis {
  return new Redis(url, { ...REDIS_CLIENT_OPTIONS, ...credentials })
}

/** REDIS_USERNAME and REDIS_PASSWORD, when set, over what the URL holds. */
export function redisCredentials (config: { REDIS_USERNAME?: string | undefined, REDIS_PASSWORD?: string | undefined }): RedisCredentials {
  return { ...(config.REDIS_USERNAME === undefined ? {} : { username: config.REDIS_USERNAME }), ...(config.REDIS_PASSWORD === undefined ? {} : { password: config.REDIS_PASSWORD }) }
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
