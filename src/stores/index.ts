/** Chooses the store once: Redis when REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES is set, else the SQLite file. */
import type { Config } from '../config.js'
import type { Store } from './store.js'
import { createRedisStore, replicasToWaitFor } from './redis/index.js'
import { redisSettingsOf, type RedisConnection } from './redis/connection.js'
import { createSqliteStore } from './sqlite/index.js'
import { createRevocationView, type RevocationView } from '@gatehouse-auth/fastify'

/** The Redis store on `redis` when the configuration gave one, else the embedded SQLite store. */
export function openStore (config: Config, redis: RedisConnection | null): Store {
  const settings = redisSettingsOf(config)
  if (redis !== null && settings !== undefined) {
    return createRedisStore({ redis, prefix: config.REDIS_PREFIX, replicas: replicasToWaitFor(settings, config.REDIS_MIN_REPLICAS), replicaTimeoutMs: config.REDIS_REPLICA_TIMEOUT_MS })
  }
  return createSqliteStore({ dataDir: config.DATA_DIR, sweepIntervalSeconds: config.SWEEP_INTERVAL })
}

/**
 * The store the service runs on: revocations are checked in a local view, kept in sync with every other writer
 * (through Redis pub/sub, or the SQLite file's change sequence), so a protected request needs no store round trip.
 */
export type ServiceStore = Store & { revocations: RevocationView }

export async function openServiceStore (config: Config, redis: RedisConnection | null): Promise<ServiceStore> {
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
