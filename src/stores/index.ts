/** Chooses the store once, from REDIS_URL: Redis when it is set, else the embedded SQLite file. */
import type { Config } from '../config.js'
import type { Store } from './store.js'
import { createRedisStore } from './redis/index.js'
import { createSqliteStore } from './sqlite/index.js'

export async function openStore (config: Config): Promise<Store> {
  if (config.REDIS_URL !== undefined) return await createRedisStore({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX })
  return createSqliteStore({ dataDir: config.DATA_DIR, sweepIntervalSeconds: config.SWEEP_INTERVAL })
}

export type { Store } from './store.js'
