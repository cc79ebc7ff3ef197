/**
 * The part of an ioredis client (ioredis 5 `Redis`) the revocation view uses, typed here so that the package
 * needs ioredis only when it is given a URL to connect to; a service passing its own client installs nothing.
 */
import type { ScriptRunner } from '../script.js'

export interface RevocationRedisOptions {
  lazyConnect?: boolean
  autoResubscribe?: boolean
  enableOfflineQueue?: boolean
}

export interface RevocationRedis extends ScriptRunner {
  readonly status: string
  connect (): Promise<unknown>
  quit (): Promise<unknown>
  disconnect (reconnect?: boolean): void
  duplicate (options?: RevocationRedisOptions): RevocationRedis
  on (event: 'message', listener: (channel: string, message: string) => void): unknown
  on (event: 'close' | 'ready' | 'error', listener: () => void): unknown
  subscribe (channel: string): Promise<unknown>
  ping (): Promise<unknown>
}

/**
 * Bounded waits for every connection to gatehouse's Redis: while disconnected a command fails at once (no offline
 * queue) and a silent server is given up after a second, so requests fail closed fast instead of hanging.
 */
export const REDIS_CLIENT_OPTIONS = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
  connectTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000)
}

/** A client for this URL from ioredis, which a service that passes a URL installs beside this package. */
export async function connectRedisUrl (url: string): Promise<RevocationRedis> {
  let Redis: typeof import('ioredis').Redis
  try {
    ({ Redis } = await import('ioredis'))
  } catch {
    throw new Error('the redis option is a URL, so ioredis must be installed: npm install ioredis')
  }
  return new Redis(url, REDIS_CLIENT_OPTIONS)
}
