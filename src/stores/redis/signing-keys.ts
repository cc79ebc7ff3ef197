/** The signing key ring in Redis: kid -> record in one hash, and the active kid, under one hash tag. */
import type { RedisConnection } from './connection.js'
import type { ConfirmWrite } from './replication.js'
import type { RedisKeyNames } from './key-names.js'
import { defineScript } from './script.js'
import type { SigningKeyRecord, SigningKeyStore } from '../signing-keys.js'
import { epochSeconds } from '../../ids.js'

// KEYS: active, ring. ARGV: kid, record JSON. The first instance to run this decides the key for all.
const INITIALIZE = defineScript(`
local active = redis.call('GET', KEYS[1])
if active then return redis.call('HGET', KEYS[2], active) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[2]`)

// KEYS: active, ring. ARGV: next kid, next record JSON, now, retired-until, expected active kid ('' for any).
// Retires the active key (kept as long as the API keys it signed live) and activates the next, unless another
// instance rotated first.
const ROTATE = defineScript(`
local active = redis.call('GET', KEYS[1])
if ARGV[5] ~= '' and active ~= ARGV[5] then return 0 end
if active then
  local record = cjson.decode(redis.call('HGET', KEYS[2], active))
  record.retiredAt = tonumber(ARGV[3])
  record.expiresAt = math.max(tonumber(ARGV[4]), record.signedUntil or 0)
  redis.call('HSET', KEYS[2], active, cjson.encode(record))
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('SET', KEYS[1], ARGV[1])
return 1`)

// KEYS: active, ring. ARGV: now, retired-until. Retires the active key, leaving none active (a configured key signs).
const RETIRE = defineScript(`
local active = redis.call('GET', KEYS[1])
if not active then return 0 end
local record = cjson.decode(redis.call('HGET', KEYS[2], active))
record.retiredAt = tonumber(ARGV[1])
record.expiresAt = tonumber(ARGV[2])
redis.call('HSET', KEYS[2], active, cjson.encode(record))
redis.call('DEL', KEYS[1])
return 1`)

// KEYS: ring. ARGV: kid, until. See SigningKeyStore.holdUntil.
const HOLD = defineScript(`
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
local record = cjson.decode(json)
local held = tonumber(ARGV[2])
record.signedUntil = math.max(record.signedUntil or 0, held)
if record.retiredAt then record.expiresAt = math.max(record.expiresAt or 0, held) end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(record))
return 1`)

// KEYS: ring. ARGV: now. Drops retired keys past their expiry.
const PRUNE = defineScript(`
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local record = cjson.decode(fields[i + 1])
  if record.expiresAt and record.expiresAt <= tonumber(ARGV[1]) then redis.call('HDEL', KEYS[1], fields[i]) end
end
return 1`)

export function createRedisSigningKeyStore (redis: RedisConnection, keys: RedisKeyNames, confirm: ConfirmWrite): SigningKeyStore {
  return {
    async initialize (candidate) {
      const stored = JSON.parse(String(await INITIALIZE(redis, [keys.activeKid, keys.keyRing], [candidate.kid, JSON.stringify(candidate)]))) as SigningKeyRecord
      if (stored.kid === candidate.kid) await confirm(keys.keyRing) // only the instance that wrote it waits
      return stored
    },
    async rotate (next, retiredUntil, ifActive) {
      const rotated = await ROTATE(redis, [keys.activeKid, keys.keyRing], [next.kid, JSON.stringify(next), epochSeconds(), retiredUntil, ifActive ?? ''])
      await PRUNE(redis, [keys.keyRing], [epochSeconds()])
      await confirm(keys.keyRing)
      return rotated === 1
    },
    async holdUntil (kid, until) {
      await HOLD(redis, [keys.keyRing], [kid, until])
      await confirm(keys.keyRing)
    },
    async retireActive (retiredUntil) {
      const retired = (await RETIRE(redis, [keys.activeKid, keys.keyRing], [epochSeconds(), retiredUntil])) === 1
      await confirm(keys.keyRing)
      return retired
    },
    async list () {
      const [[, active], [, ring]] = await redis.multi().get(keys.activeKid).hgetall(keys.keyRing).exec() as [[null, string | null], [null, Record<string, string>]]
      const now = epochSeconds()
      const records = Object.values(ring).map((json) => JSON.parse(json) as SigningKeyRecord)
      return records
        .filter((record) => record.kid === active || record.expiresAt === undefined || record.expiresAt > now)
        .sort((a, b) => Number(b.kid === active) - Number(a.kid === active) || b.createdAt - a.createdAt)
    }
  }
}
