/** A test location on a Redis server of the test's own, which it may freeze, pause or kill. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { startRedisServer, testPrefix, type PrivateRedis } from './redis-server.js'
import type { Teardown, TestLocation } from './stores.js'

export interface PrivateLocation extends TestLocation {
  server: PrivateRedis
  /** A plain connection to that server, for CLIENT PAUSE and for reading what the service wrote. */
  admin: Redis
}

export async function privateLocation (t: Teardown, { persistent = false } = {}): Promise<PrivateLocation> {
  const server = await startRedisServer({ persistent })
  const admin = new Redis(server.url, { maxRetriesPerRequest: 1 })
  admin.on('error', () => {})
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-data-'))
  t.teardown(async () => {
    admin.disconnect()
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { dataDir, redisUrl: server.url, prefix: testPrefix(), server, admin }
}
