/** Chooses the store once, from REDIS_URL: Redis when it is set, else the embedded SQLite file. */
import type { Redis } from 'ioredis'
import type { Config } from '../config.js'
import type { Store } from './store.js'
import { createRedisStore } from './redis/index.js'
import { createSqliteStore } from './sqlite/index.js'

/** The Redis store on `redis` when REDIS_URL gave one, else the embedded SQLite store. */
export function openStore (config: Config, redis: Redis | null): Store {
  if (redis !== null) return createRedisStore({ redis, prefix: config.REDIS_PREFIX })
  return createSqliteStore({ dataDir: config.DATA_DIR, sweepIntervalSeconds: config.SWEEP_INTERVAL })
}

export type { Store } from './store.js'
