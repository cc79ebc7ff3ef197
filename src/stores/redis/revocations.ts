/** Revocations in Redis: a key per revocation that expires with it, and a sorted set to load them all. */
import type { Redis } from 'ioredis'
import type { RedisKeyNames } from './key-names.js'
import { defineScript } from './script.js'
import type { Revocation, RevocationKind, RevocationStore } from '../revocations.js'
import { epochSeconds } from '../../ids.js'

// KEYS: revocation, index. ARGV: member, until, channel, message. Revoking again never shortens a revocation
// in force; the write and its announcement to every instance happen in one step.
const REVOKE = defineScript(`
local current = redis.call('EXPIRETIME', KEYS[1])
if current < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], '1', 'EXAT', ARGV[2]) end
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`)

const KINDS: readonly string[] = ['session', 'subject', 'token'] satisfies RevocationKind[]

export function createRedisRevocationStore (redis: Redis, keys: RedisKeyNames): RevocationStore {
  return {
    async revoke ({ kind, id, until }) {
      await REVOKE(redis, [keys.revocation(kind, id), keys.revocationIndex], [`${kind}:${id}`, until, keys.revocationChannel, JSON.stringify({ kind, id, until })])
    },
    async isRevoked (targets) {
      if (targets.length === 0) return false
      return (await redis.exists(...targets.map(({ kind, id }) => keys.revocation(kind, id)))) > 0
    },
    async listActive () {
      const now = epochSeconds()
      const [, [, entries]] = await redis.multi()
        .zremrangebyscore(keys.revocationIndex, '-inf', now) // EXAT already dropped the keys; drop their index entries too
        .zrange(keys.revocationIndex, `(${now}`, '+inf', 'BYSCORE', 'WITHSCORES')
        .exec() as [unknown, [null, string[]]]
      const revocations: Revocation[] = []
      for (let i = 0; i + 1 < entries.length; i += 2) {
        const member = entries[i] ?? ''
        const separator = member.indexOf(':')
        const kind = member.slice(0, separator)
        if (!KINDS.includes(kind)) continue
        revocations.push({ kind: kind as RevocationKind, id: member.slice(separator + 1), until: Number(entries[i + 1]) })
      }
      return revocations
    }
  }
}
