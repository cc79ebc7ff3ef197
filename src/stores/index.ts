/** Chooses the store once, from REDIS_URL: Redis when it is set, else the embedded SQLite file. */
import type { Redis } from 'ioredis'
import type { Config } from '../config.js'
import type { Store } from './store.js'
import { createRedisStore } from './redis/index.js'
import { createSqliteStore } from './sqlite/index.js'
import { createRevocationView, type RevocationView } from '@gatehouse-auth/fastify'

/** The Redis store on `redis` when REDIS_URL gave one, else the embedded SQLite store. */
export function openStore (config: Config, redis: Redis | null): Store {
  if (redis !== null) return createRedisStore({ redis, prefix: config.REDIS_PREFIX })
  return createSqliteStore({ dataDir: config.DATA_DIR, sweepIntervalSeconds: config.SWEEP_INTERVAL })
}

/**
 * The store the service runs on: revocations are checked in a local view, kept in sync with every other writer
 * (through Redis pub/sub, or the SQLite file's change sequence), so a protected request needs no store round trip.
 */
export type ServiceStore = Store & { revocations: RevocationView }

export async function openServiceStore (config: Config, redis: Redis | null): Promise<ServiceStore> {
  const store = openStore(config, redis)
  const revocations = createRevocationView(store.revocations, store.revocationFeed())
  await revocations.start()
  return {
    ...store,
    revocations,
    async close () {
      await revocations.close()
      await store.close()
    }
  }
}

export type { Store } from './store.js'
