/** Opens a real store of either kind for a test, and removes its data when the test ends. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '../../src/stores/store.js'
import { closeRedis, createRedisStore, openRedis } from '../../src/stores/redis/index.js'
import { createSqliteStore } from '../../src/stores/sqlite/index.js'
import { deletePrefix, testPrefix, testRedisUrl } from './redis-server.js'

export type Mode = 'embedded' | 'redis'
export const MODES: readonly Mode[] = ['embedded', 'redis']

export interface Teardown { teardown (fn: () => unknown): void }

/** Where a test keeps its data: a temporary DATA_DIR, or a Redis URL and a fresh prefix. */
export interface TestLocation {
  dataDir: string
  redisUrl: string
  prefix: string
}

export async function testLocation (t: Teardown): Promise<TestLocation> {
  const location = { dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-data-')), redisUrl: await testRedisUrl(), prefix: testPrefix() }
  t.teardown(async () => {
    rmSync(location.dataDir, { recursive: true, force: true })
    await deletePrefix(location.redisUrl, location.prefix)
  })
  return location
}

/** A store on a location; several opened on one location share their data, like instances or restarts. */
export async function openTestStore (t: Teardown, mode: Mode, location: TestLocation) {
  if (mode === 'embedded') {
    const store = createSqliteStore({ dataDir: location.dataDir, sweepIntervalSeconds: 3600 })
    t.teardown(async () => await store.close())
    return store satisfies Store
  }
  const redis = await openRedis(location.redisUrl)
  const store = createRedisStore({ redis, prefix: location.prefix })
  t.teardown(async () => await closeRedis(redis))
  return Object.assign(store, { close: async () => await closeRedis(redis) }) satisfies Store
}
