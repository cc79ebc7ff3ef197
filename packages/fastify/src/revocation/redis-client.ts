/**
 * The part of an ioredis client (ioredis 5 `Redis` or `Cluster`) the revocation view uses, typed here so that the
 * package needs ioredis only when it is given settings to connect with; a service passing its own client installs
 * nothing. And the one description of how gatehouse connects to a Redis server, through Sentinel or to a Cluster.
 */
import type { ScriptRunner } from '../script.js'

export interface RevocationRedisOptions {
  lazyConnect?: boolean
  autoResubscribe?: boolean
  enableOfflineQueue?: boolean
  retryStrategy?: () => null
  failoverDetector?: boolean
}

interface RevocationConnection extends ScriptRunner {
  readonly status: string
  readonly isCluster?: boolean
  connect (): Promise<unknown>
  quit (): Promise<unknown>
  disconnect (reconnect?: boolean): void
  on (event: 'message', listener: (channel: string, message: string) => void): unknown
  on (event: 'close' | 'end' | 'ready' | 'error', listener: () => void): unknown
  subscribe (channel: string): Promise<unknown>
  ping (): Promise<unknown>
}

/** An ioredis `Redis`: one server, or the primary Sentinel points to. */
export interface RevocationServer extends RevocationConnection {
  duplicate (options?: RevocationRedisOptions): RevocationServer
}

/** An ioredis `Cluster`: its subscriber is a connection of its own to one of the nodes it knows. */
export interface RevocationCluster extends RevocationConnection {
  nodes (role: 'all'): RevocationServer[]
}

export type RevocationRedis = RevocationServer | RevocationCluster

export function isCluster (redis: RevocationRedis): redis is RevocationCluster {
  return redis.isCluster === true && typeof (redis as Partial<RevocationCluster>).nodes === 'function'
}

/** An ioredis client of either kind, told apart from connection settings. */
export function isRedisClient (value: object): value is RevocationRedis {
  return typeof (value as Partial<RevocationServer>).duplicate === 'function' || typeof (value as Partial<RevocationCluster>).nodes === 'function'
}

export interface RedisNodeAddress { host: string, port: number }

/** Credentials and TLS for Sentinel or Cluster (a URL carries its own: `rediss://user:password@host`). */
export interface RedisAccess {
  username?: string
  password?: string
  /** Connect with TLS, as `rediss://` does. */
  tls?: boolean
}

export interface RedisSentinelSettings extends RedisAccess {
  sentinels: RedisNodeAddress[]
  /** The master name the sentinels monitor (default `mymaster`). */
  name?: string
}

export interface RedisClusterSettings extends RedisAccess {
  clusterNodes: RedisNodeAddress[]
}

/** Where gatehouse's Redis is: a `redis://` or `rediss://` URL, Sentinel, or Cluster seed nodes. */
export type RedisSettings = string | RedisSentinelSettings | RedisClusterSettings

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

// A demoted primary answers writes with READONLY until the client finds the new one: reconnecting asks Sentinel.
const reconnectOnReadOnly = (err: Error) => err.message.startsWith('READONLY')

/** What to construct for these settings: the arguments of ioredis's `new Redis(...)` or `new Cluster(...)`. */
export type RedisConstruction =
  | { kind: 'server', url?: string, options: Record<string, unknown> }
  | { kind: 'cluster', nodes: RedisNodeAddress[], options: Record<string, unknown> }

export function redisConstruction (settings: RedisSettings, access: RedisAccess = {}): RedisConstruction {
  if (typeof settings === 'string') return { kind: 'server', url: settings, options: { ...REDIS_CLIENT_OPTIONS, ...credentials(access) } }
  const merged = { ...access, ...settings }
  const tls = merged.tls === true ? { tls: {} } : {}
  if ('clusterNodes' in settings) {
    const { retryStrategy, enableOfflineQueue, lazyConnect, ...perNode } = REDIS_CLIENT_OPTIONS
    return {
      kind: 'cluster',
      nodes: settings.clusterNodes,
      options: {
        lazyConnect,
        enableOfflineQueue,
        clusterRetryStrategy: retryStrategy,
        // After a failover the slot map changes: refresh it and retry within about a second, then answer 503.
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        maxRedirections: 10,
        slotsRefreshTimeout: 1000,
        scaleReads: 'master', // replicas lag: a revocation just written must be read back
        redisOptions: { ...perNode, ...credentials(merged), ...tls, reconnectOnError: reconnectOnReadOnly }
      }
    }
  }
  return {
    kind: 'server',
    options: {
      ...REDIS_CLIENT_OPTIONS,
      ...credentials(merged),
      ...tls,
      ...(merged.tls === true ? { enableTLSForSentinelMode: true } : {}),
      sentinels: settings.sentinels,
      name: settings.name ?? 'mymaster',
      role: 'master',
      // Sentinel announces a switch at once (+switch-master): drop the old primary then, not when a command fails.
      failoverDetector: true,
      sentinelRetryStrategy: REDIS_CLIENT_OPTIONS.retryStrategy,
      reconnectOnError: reconnectOnReadOnly
    }
  }
}

function credentials ({ username, password }: RedisAccess): RedisAccess {
  return { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) }
}

/** How long a first connection may take: Sentinel and Cluster clients otherwise retry their seeds for ever. */
export const FIRST_CONNECTION_TIMEOUT_MS = 5000

/** Connects a lazy client, or gives up (and disconnects it) when it is not ready in time. */
export async function connectWithin (redis: { connect (): Promise<unknown>, disconnect (): void }, ms = FIRST_CONNECTION_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`not ready within ${ms} ms`)), ms) })
  try {
    await Promise.race([redis.connect(), late])
  } catch (err) {
    redis.disconnect()
    throw err
  } finally {
    clearTimeout(timer)
  }
}

/** A client for these settings from ioredis, which a service that passes settings installs beside this package. */
export async function connectRedisSettings (settings: RedisSettings): Promise<RevocationRedis> {
  let ioredis: { Redis: typeof import('ioredis').Redis, Cluster: typeof import('ioredis').Cluster }
  try {
    ioredis = await import('ioredis')
  } catch {
    throw new Error('the redis option is connection settings, so ioredis must be installed: npm install ioredis')
  }
  const construction = redisConstruction(settings)
  if (construction.kind === 'cluster') return new ioredis.Cluster(construction.nodes, construction.options)
  return construction.url === undefined ? new ioredis.Redis(construction.options) : new ioredis.Redis(construction.url, construction.options)
}
