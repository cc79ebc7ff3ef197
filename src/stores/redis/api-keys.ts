/** API keys in Redis: a hash per key that expires with it, indexed per user (see user-index.ts). */
import type { RedisConnection } from './connection.js'
import type { RedisKeyNames } from './key-names.js'
import type { ConfirmWrite } from './replication.js'
import { indexRecord, indexedRecords, takeRecord } from './user-index.js'
import { defineScript } from './script.js'
import type { ApiKeyRecord, ApiKeyStore } from '../api-keys.js'

// KEYS: the key's hash. ARGV: when. Records the first use of a key that still exists (never recreates one).
const MARK_USED = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'firstUsedAt', ARGV[1])`)

function toRecord (hash: Record<string, string>): ApiKeyRecord | undefined {
  if (hash.id === undefined) return undefined
  return {
    id: hash.id,
    userId: hash.userId ?? '',
    name: hash.name ?? '',
    roles: JSON.parse(hash.roles ?? '[]') as string[],
    createdAt: Number(hash.createdAt),
    expiresAt: Number(hash.expiresAt),
    keyHash: hash.keyHash ?? ''
  }
}

export function createRedisApiKeyStore (redis: RedisConnection, keys: RedisKeyNames, confirm: ConfirmWrite): ApiKeyStore {
  return {
    async create (key) {
      await indexRecord(redis, keys.userApiKeys(key.userId), key.id, key.expiresAt)
      await confirm(keys.userApiKeys(key.userId)) // on a Cluster the index may sit on another shard than the record
      await redis.multi()
        .hset(keys.apiKey(key.id), { ...key, roles: JSON.stringify(key.roles) })
        .expireat(keys.apiKey(key.id), key.expiresAt)
        .exec()
      await confirm(keys.apiKey(key.id))
    },
    async find (id) {
      return toRecord(await redis.hgetall(keys.apiKey(id)))
    },
    async listByUser (userId) {
      const records = await indexedRecords(redis, keys.userApiKeys(userId), keys.apiKey, toRecord)
      return records.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    },
    async markUsed (id, at) {
      return Number(await MARK_USED(redis, [keys.apiKey(id)], [at])) === 1
    },
    async delete (id) {
      const record = toRecord(await takeRecord(redis, keys.apiKey(id)))
      if (record !== undefined) await redis.srem(keys.userApiKeys(record.userId), id)
      await confirm(keys.apiKey(id))
      return record
    }
  }
}
