/**
 * Sessions in Redis: a hash per session that expires with it, and a set of each user's session ids.
 * Every script touches one key, so sessions spread over a Redis Cluster; the per-user set is an index,
 * written before the session and pruned lazily, so it never misses a live session.
 */
import type { Redis } from 'ioredis'
import type { RedisKeyNames } from './key-names.js'
import { defineScript } from './script.js'
import type { RotationOutcome, SessionRecord, SessionStore } from '../sessions.js'

// KEYS: session. ARGV: presented jti, next jti, new expiry.
const ROTATE = defineScript(`
local current = redis.call('HGET', KEYS[1], 'refreshJti')
if current == false then return 'missing' end
if current ~= ARGV[1] then return 'reused' end
redis.call('HSET', KEYS[1], 'refreshJti', ARGV[2], 'expiresAt', ARGV[3])
redis.call('EXPIREAT', KEYS[1], ARGV[3])
return 'rotated'`)

// KEYS: a key. ARGV: expiry. Pushes the key's expiry later, never earlier.
const EXTEND = defineScript(`
local current = redis.call('EXPIRETIME', KEYS[1])
if current >= 0 and current >= tonumber(ARGV[1]) then return 0 end
return redis.call('EXPIREAT', KEYS[1], ARGV[1])`)

// KEYS: session. Deletes it and answers what it held.
const TAKE = defineScript(`
local fields = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return fields`)

function toRecord (hash: Record<string, string>): SessionRecord | undefined {
  if (hash.id === undefined) return undefined
  return { id: hash.id, userId: hash.userId ?? '', refreshJti: hash.refreshJti ?? '', createdAt: Number(hash.createdAt), expiresAt: Number(hash.expiresAt) }
}

function pairsToHash (pairs: string[]): Record<string, string> {
  const hash: Record<string, string> = {}
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i] ?? ''] = pairs[i + 1] ?? ''
  return hash
}

export function createRedisSessionStore (redis: Redis, keys: RedisKeyNames): SessionStore {
  return {
    async create (session) {
      const index = keys.userSessions(session.userId)
      await redis.sadd(index, session.id)
      await EXTEND(redis, [index], [session.expiresAt])
      await redis.multi()
        .hset(keys.session(session.id), { ...session })
        .expireat(keys.session(session.id), session.expiresAt)
        .exec()
    },
    async find (id) {
      return toRecord(await redis.hgetall(keys.session(id)))
    },
    async rotate (id, presentedJti, nextJti, expiresAt) {
      const outcome = String(await ROTATE(redis, [keys.session(id)], [presentedJti, nextJti, expiresAt])) as RotationOutcome
      if (outcome === 'rotated') {
        const session = await redis.hget(keys.session(id), 'userId')
        if (session !== null) await EXTEND(redis, [keys.userSessions(session)], [expiresAt])
      }
      return outcome
    },
    async delete (id) {
      const record = toRecord(pairsToHash((await TAKE(redis, [keys.session(id)], [])) as string[]))
      if (record !== undefined) await redis.srem(keys.userSessions(record.userId), id)
      return record
    },
    async listByUser (userId) {
      const index = keys.userSessions(userId)
      const ids = await redis.smembers(index)
      const records = await Promise.all(ids.map(async (id) => toRecord(await redis.hgetall(keys.session(id)))))
      const gone = ids.filter((_, i) => records[i] === undefined)
      if (gone.length > 0) await redis.srem(index, ...gone)
      return records.flatMap((record) => record ?? []).sort((a, b) => a.createdAt - b.createdAt)
    }
  }
}
