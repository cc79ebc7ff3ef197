/** Users in Redis: a hash per user, a name index for case-insensitive uniqueness, a sorted set for paging. */
import type { Redis } from 'ioredis'
import type { RedisKeyNames } from './key-names.js'
import { defineScript } from './script.js'
import { usernameKey, type UserRecord, type UserStore } from '../users.js'
import { UsernameTakenError } from '../../errors.js'
import { newId } from '../../ids.js'

// KEYS: name, user, index. ARGV: id, then field/value pairs. Claims the name or changes nothing.
const CREATE = defineScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX') == false then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 2))
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return 1`)

// KEYS: user. ARGV: field/value pairs. Never recreates a deleted user.
const UPDATE = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`)

// KEYS: user, name, index. ARGV: id. Removes the user and frees its name together.
const DELETE = defineScript(`
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1`)

function toRecord (hash: Record<string, string>): UserRecord | undefined {
  if (hash.id === undefined) return undefined
  return {
    id: hash.id,
    username: hash.username ?? '',
    passwordHash: hash.passwordHash ?? '',
    roles: JSON.parse(hash.roles ?? '[]') as string[],
    disabled: hash.disabled === '1',
    createdAt: hash.createdAt ?? '',
    updatedAt: hash.updatedAt ?? ''
  }
}

export function createRedisUserStore (redis: Redis, keys: RedisKeyNames): UserStore {
  const findById = async (id: string) => toRecord(await redis.hgetall(keys.user(id)))

  return {
    async create (user) {
      const id = newId()
      const now = new Date().toISOString()
      const nameKey = usernameKey(user.username)
      const record: UserRecord = { id, ...user, roles: [...user.roles], disabled: false, createdAt: now, updatedAt: now }
      const fields = ['id', id, 'username', user.username, 'usernameKey', nameKey, 'passwordHash', user.passwordHash,
        'roles', JSON.stringify(record.roles), 'disabled', '0', 'createdAt', now, 'updatedAt', now]
      const created = await CREATE(redis, [keys.username(nameKey), keys.user(id), keys.userIndex], [id, ...fields])
      if (created !== 1) throw new UsernameTakenError(user.username)
      return record
    },
    findById,
    async findByUsername (username) {
      const id = await redis.get(keys.username(usernameKey(username)))
      return id === null ? undefined : await findById(id)
    },
    async list ({ limit, after }) {
      const ids = await redis.zrangebylex(keys.userIndex, after === undefined ? '-' : `(${after}`, '+', 'LIMIT', 0, limit)
      const pipeline = redis.pipeline()
      for (const id of ids) pipeline.hgetall(keys.user(id))
      const replies = (await pipeline.exec()) ?? []
      return replies.flatMap(([err, hash]) => {
        if (err !== null) throw err
        const record = toRecord(hash as Record<string, string>)
        return record === undefined ? [] : [record]
      })
    },
    async update (id, changes) {
      const fields: string[] = ['updatedAt', new Date().toISOString()]
      if (changes.passwordHash !== undefined) fields.push('passwordHash', changes.passwordHash)
      if (changes.roles !== undefined) fields.push('roles', JSON.stringify(changes.roles))
      if (changes.disabled !== undefined) fields.push('disabled', changes.disabled ? '1' : '0')
      await UPDATE(redis, [keys.user(id)], fields)
      return await findById(id)
    },
    async delete (id) {
      const nameKey = await redis.hget(keys.user(id), 'usernameKey') // usernames never change, so reading first is safe
      if (nameKey === null) return false
      return (await DELETE(redis, [keys.user(id), keys.username(nameKey), keys.userIndex], [id])) === 1
    }
  }
}
