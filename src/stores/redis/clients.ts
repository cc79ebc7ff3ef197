/** Service clients in Redis: a hash per client and a sorted set for paging, under one hash tag. */
import type { RedisConnection } from './connection.js'
import type { ConfirmWrite } from './replication.js'
import type { RedisKeyNames } from './key-names.js'
import { defineScript } from './script.js'
import type { ClientRecord, ClientStore } from '../clients.js'
import { newId } from '../../ids.js'

// KEYS: client, index. ARGV: id.
const DELETE = defineScript(`
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`)

function toRecord (hash: Record<string, string>): ClientRecord | undefined {
  if (hash.id === undefined) return undefined
  return { id: hash.id, name: hash.name ?? '', secretHash: hash.secretHash ?? '', scopes: JSON.parse(hash.scopes ?? '[]') as string[], createdAt: hash.createdAt ?? '' }
}

export function createRedisClientStore (redis: RedisConnection, keys: RedisKeyNames, confirm: ConfirmWrite): ClientStore {
  return {
    async create (client) {
      const record: ClientRecord = { id: newId(), ...client, scopes: [...client.scopes], createdAt: new Date().toISOString() }
      await redis.multi()
        .hset(keys.client(record.id), { ...record, scopes: JSON.stringify(record.scopes) })
        .zadd(keys.clientIndex, 0, record.id)
        .exec()
      await confirm(keys.client(record.id))
      return record
    },
    async findById (id) {
      return toRecord(await redis.hgetall(keys.client(id)))
    },
    async list ({ limit, after }) {
      const ids = await redis.zrangebylex(keys.clientIndex, after === undefined ? '-' : `(${after}`, '+', 'LIMIT', 0, limit)
      const hashes = await Promise.all(ids.map(async (id) => await redis.hgetall(keys.client(id))))
      return hashes.flatMap((hash) => toRecord(hash) ?? [])
    },
    async delete (id) {
      const deleted = (await DELETE(redis, [keys.client(id), keys.clientIndex], [id])) === 1
      await confirm(keys.client(id))
      return deleted
    }
  }
}
