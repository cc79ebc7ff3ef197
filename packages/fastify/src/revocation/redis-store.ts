/**
 * Revocations in gatehouse's Redis: a key per revocation that expires with it, a sorted set to load them all,
 * and a pub/sub channel that announces each one to every instance. The key names are part of the contract
 * between gatehouse and every service that shares its Redis, so they live here, once.
 */
import { defineScript } from '../script.js'
import type { ScriptRunner } from '../script.js'
import { epochSeconds, isRevocationKind, type Revocation, type RevocationStore } from './targets.js'

/** Keys that one script touches together share the hash tag {revocations}, so the script is valid on Redis Cluster. */
export function revocationKeyNames (prefix: string) {
  return {
    revocation: (kind: string, id: string) => `${prefix}{revocations}:${kind}:${id}`, // string, EXAT until
    revocationIndex: `${prefix}{revocations}:index`, //                sorted set: "kind:id" scored by until
    revocationChannel: `${prefix}revocations` //                       pub/sub channel: each revocation as JSON
  }
}

export type RevocationKeyNames = ReturnType<typeof revocationKeyNames>

// KEYS: revocation, index. ARGV: member, until, channel, message. Revoking again never shortens a revocation
// in force; the write and its announcement to every instance happen in one step.
const REVOKE = defineScript(`
local current = redis.call('EXPIRETIME', KEYS[1])
if current < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[2]) end
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`)

// KEYS: the targets' revocation keys. How many of them exist.
const COUNT_EXISTING = defineScript("return redis.call('EXISTS', unpack(KEYS))")

// KEYS: index. ARGV: now. Drops the entries whose keys EXAT already removed, then lists the rest with their expiry.
const LIST_ACTIVE = defineScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZRANGE', KEYS[1], '(' .. ARGV[1], '+inf', 'BYSCORE', 'WITHSCORES')`)

export interface RedisRevocationStoreOptions {
  /** Awaited after each revocation is written, with its key: gatehouse waits there for a replica to hold it. */
  confirmWrite?: (key: string) => Promise<void>
}

export function createRedisRevocationStore (redis: ScriptRunner, keys: RevocationKeyNames, { confirmWrite }: RedisRevocationStoreOptions = {}): RevocationStore {
  return {
    async revoke ({ kind, id, until }) {
      const key = keys.revocation(kind, id)
      await REVOKE(redis, [key, keys.revocationIndex], [`${kind}:${id}`, until, keys.revocationChannel, JSON.stringify({ kind, id, until })])
      await confirmWrite?.(key)
    },
    async isRevoked (targets) {
      if (targets.length === 0) return false
      return Number(await COUNT_EXISTING(redis, targets.map(({ kind, id }) => keys.revocation(kind, id)), [])) > 0
    },
    async listActive () {
      const entries = await LIST_ACTIVE(redis, [keys.revocationIndex], [epochSeconds()])
      const revocations: Revocation[] = []
      if (!Array.isArray(entries)) return revocations
      for (let i = 0; i + 1 < entries.length; i += 2) {
        const member = String(entries[i])
        const separator = member.indexOf(':')
        const kind = member.slice(0, separator)
        if (!isRevocationKind(kind)) continue
        revocations.push({ kind, id: member.slice(separator + 1), until: Number(entries[i + 1]) })
      }
      return revocations
    }
  }
}
