/** Sessions in Redis: a hash per session that expires with it, indexed per user (see user-index.ts). */
import type { RedisConnection } from './connection.js'
import type { ConfirmWrite } from './replication.js'
import type { RedisKeyNames } from './key-names.js'
import { defineScript } from './script.js'
import { extendIndex, indexRecord, indexedRecords, takeRecord } from './user-index.js'
import type { SessionRecord, SessionStore } from '../sessions.js'
import { epochSeconds } from '../../ids.js'

// KEYS: session. ARGV: presented jti, next jti, new expiry, now, grace seconds, then the sighting (last used at,
// user agent, address) or nothing. The rotation keeps the jti it replaced and when, so a repeat of it within the
// grace is told apart from reuse (see SessionStore.rotate).
const ROTATE = defineScript(`
local session = redis.call('HMGET', KEYS[1], 'refreshJti', 'previousJti', 'rotatedAt', 'expiresAt')
if session[1] == false then return {'missing'} end
if session[1] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'refreshJti', ARGV[2], 'expiresAt', ARGV[3], 'previousJti', ARGV[1], 'rotatedAt', ARGV[4])
  redis.call('EXPIREAT', KEYS[1], ARGV[3])
  if ARGV[6] then redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[6], 'userAgent', ARGV[7], 'ip', ARGV[8]) end
  return {'rotated', ARGV[2], ARGV[3]}
end
local grace = tonumber(ARGV[5])
if grace > 0 and session[2] == ARGV[1] and tonumber(ARGV[4]) - tonumber(session[3]) <= grace then
  return {'retried', session[1], session[4]}
end
return {'reused'}`)

function toRecord (hash: Record<string, string>): SessionRecord | undefined {
  if (hash.id === undefined) return undefined
  return {
    id: hash.id,
    userId: hash.userId ?? '',
    refreshJti: hash.refreshJti ?? '',
    createdAt: Number(hash.createdAt),
    expiresAt: Number(hash.expiresAt),
    lastUsedAt: Number(hash.lastUsedAt ?? hash.createdAt), // absent: a session from before this field
    userAgent: hash.userAgent ?? '',
    ip: hash.ip ?? ''
  }
}

export function createRedisSessionStore (redis: RedisConnection, keys: RedisKeyNames, confirm: ConfirmWrite): SessionStore {
  return {
    async create (session) {
      await indexRecord(redis, keys.userSessions(session.userId), session.id, session.expiresAt)
      await confirm(keys.userSessions(session.userId)) // on a Cluster the index may sit on another shard than the record
      await redis.multi()
        .hset(keys.session(session.id), { ...session })
        .expireat(keys.session(session.id), session.expiresAt)
        .exec()
      await confirm(keys.session(session.id))
    },
    async find (id) {
      return toRecord(await redis.hgetall(keys.session(id)))
    },
    async rotate (id, presentedJti, nextJti, expiresAt, graceSeconds, seen) {
      const sighting = seen === undefined ? [] : [seen.at, seen.userAgent, seen.ip]
      const [outcome, refreshJti, until] = (await ROTATE(redis, [keys.session(id)], [presentedJti, nextJti, expiresAt, epochSeconds(), graceSeconds, ...sighting])) as [string, string?, string?]
      if (outcome === 'reused' || outcome === 'missing') return { outcome }
      const chain = { refreshJti: refreshJti ?? '', expiresAt: Number(until) }
      // A retry is confirmed too: the answer it repeats may have been a 503 for want of a replica.
      await confirm(keys.session(id))
      if (outcome !== 'rotated') return { outcome: 'retried', ...chain }
      const session = await redis.hget(keys.session(id), 'userId')
      if (session !== null) {
        await extendIndex(redis, keys.userSessions(session), expiresAt)
        await confirm(keys.userSessions(session))
      }
      return { outcome: 'rotated', ...chain }
    },
    async delete (id) {
      const record = toRecord(await takeRecord(redis, keys.session(id)))
      if (record !== undefined) await redis.srem(keys.userSessions(record.userId), id)
      await confirm(keys.session(id))
      return record
    },
    async listByUser (userId) {
      const records = await indexedRecords(redis, keys.userSessions(userId), keys.session, toRecord)
      return records.sort((a, b) => a.createdAt - b.createdAt)
    }
  }
}
