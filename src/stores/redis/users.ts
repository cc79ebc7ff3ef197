/** Users in Redis: a hash per user, a name index for case-insensitive uniqueness, a sorted set for paging. */
import type { RedisConnection } from './connection.js'
import type { ConfirmWrite } from './replication.js'
import type { RedisKeyNames } from './key-names.js'
import { defineScript } from './script.js'
import { usernameKey, type UserRecord, type UserStore } from '../users.js'
import { LastAdminError, UsernameTakenError } from '../../errors.js'
import { newId } from '../../ids.js'

// KEYS: name, user, index. ARGV: id, then field/value pairs. Claims the name or changes nothing.
const CREATE = defineScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX') == false then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 2))
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return 1`)

// The last-admin guard, shared by UPDATE and DELETE. KEYS[1] is the user, KEYS[2] the index; ARGV[1] the role to
// keep ('' for none), ARGV[2] the user-key prefix, ARGV[3] the user's id. The other users' hashes are read by name:
// they share the {users} hash tag with the declared keys, so on Redis Cluster they are in the same slot.
const GUARD = `
local function holds (roles, disabled, role)
  if roles == false or disabled == '1' then return false end
  for _, held in ipairs(cjson.decode(roles)) do if held == role then return true end end
  return false
end
local function guard (roles_after, disabled_after)
  local role = ARGV[1]
  if role == '' then return true end
  local now = redis.call('HMGET', KEYS[1], 'roles', 'disabled')
  if not holds(now[1], now[2], role) then return true end
  if roles_after ~= nil and holds(roles_after or now[1], disabled_after or now[2], role) then return true end
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if id ~= ARGV[3] then
      local other = redis.call('HMGET', ARGV[2] .. id, 'roles', 'disabled')
      if holds(other[1], other[2], role) then return true end
    end
  end
  return false
end
`

// KEYS: user, index. ARGV: role to keep, user-key prefix, id, then field/value pairs. Never recreates a deleted
// user; answers -1 when the guard refuses, changing nothing.
const UPDATE = defineScript(GUARD + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local roles_after, disabled_after = false, false
for i = 4, #ARGV, 2 do
  if ARGV[i] == 'roles' then roles_after = ARGV[i + 1] end
  if ARGV[i] == 'disabled' then disabled_after = ARGV[i + 1] end
end
if not guard(roles_after, disabled_after) then return -1 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
return 1`)

// KEYS: user, index, name. ARGV: role to keep, user-key prefix, id. Removes the user and frees its name together;
// -1 when the guard refuses.
const DELETE = defineScript(GUARD + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if not guard(nil, nil) then return -1 end
redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[3])
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

export function createRedisUserStore (redis: RedisConnection, keys: RedisKeyNames, confirm: ConfirmWrite): UserStore {
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
      await confirm(keys.user(id))
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
    async update (id, changes, keepRole) {
      const fields: string[] = ['updatedAt', new Date().toISOString()]
      if (changes.passwordHash !== undefined) fields.push('passwordHash', changes.passwordHash)
      if (changes.roles !== undefined) fields.push('roles', JSON.stringify(changes.roles))
      if (changes.disabled !== undefined) fields.push('disabled', changes.disabled ? '1' : '0')
      const done = await UPDATE(redis, [keys.user(id), keys.userIndex], [keepRole ?? '', keys.user(''), id, ...fields])
      if (done === -1) throw new LastAdminError()
      await confirm(keys.user(id))
      return await findById(id)
    },
    async delete (id, keepRole) {
      const nameKey = await redis.hget(keys.user(id), 'usernameKey') // usernames never change, so reading first is safe
      if (nameKey === null) return false
      const done = await DELETE(redis, [keys.user(id), keys.userIndex, keys.username(nameKey)], [keepRole ?? '', keys.user(''), id])
      if (done === -1) throw new LastAdminError()
      await confirm(keys.user(id))
      return done === 1
    }
  }
}
