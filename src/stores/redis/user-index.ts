/**
 * A user's records of one kind (sessions, API keys) in Redis: each record a hash of its own that expires with it,
 * and a set of the user's record ids. Records spread over a Cluster's shards, so no script touches both: the set
 * is an index, written before the record and pruned lazily, so it never misses a live record.
 */
import type { RedisConnection } from './connection.js'
import { defineScript } from './script.js'

// KEYS: a key. ARGV: expiry. Pushes the key's expiry later, never earlier.
const EXTEND = defineScript(`
local current = redis.call('EXPIRETIME', KEYS[1])
if current >= 0 and current >= tonumber(ARGV[1]) then return 0 end
return redis.call('EXPIREAT', KEYS[1], ARGV[1])`)

// KEYS: a record. Deletes it and answers what it held (field, value, ...).
const TAKE = defineScript(`
local fields = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return fields`)

/** Deletes a record and answers what it held ({} when there was none). */
export async function takeRecord (redis: RedisConnection, key: string): Promise<Record<string, string>> {
  const pairs = (await TAKE(redis, [key], [])) as string[]
  const hash: Record<string, string> = {}
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i] ?? ''] = pairs[i + 1] ?? ''
  return hash
}

/** Adds `id` to the index, which then lives at least until `expiresAt`. */
export async function indexRecord (redis: RedisConnection, index: string, id: string, expiresAt: number): Promise<void> {
  await redis.sadd(index, id)
  await EXTEND(redis, [index], [expiresAt])
}

/** Keeps the index alive at least until `expiresAt` (a record it lists lives longer now). */
export async function extendIndex (redis: RedisConnection, index: string, expiresAt: number): Promise<void> {
  await EXTEND(redis, [index], [expiresAt])
}

/** The live records the index lists, in two round trips; ids whose record has gone are pruned from it. */
export async function indexedRecords<T> (redis: RedisConnection, index: string, keyOf: (id: string) => string, parse: (hash: Record<string, string>) => T | undefined): Promise<T[]> {
  const ids = await redis.smembers(index)
  // Sent together, answered together. (Not one pipeline: on a Cluster the records live on several shards, and
  // ioredis routes each command to its own.)
  const records = await Promise.all(ids.map(async (id) => parse(await redis.hgetall(keyOf(id)))))
  const gone = ids.filter((_, i) => records[i] === undefined)
  if (gone.length > 0) await redis.srem(index, ...gone)
  return records.flatMap((record) => record ?? [])
}
