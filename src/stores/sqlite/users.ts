/** Users in SQLite. */
import type { SqliteDatabase } from './database.js'
import { holdsRole, usernameKey, type UserChanges, type UserRecord, type UserStore } from '../users.js'
import { LastAdminError, UsernameTakenError } from '../../errors.js'
import { newId } from '../../ids.js'

interface UserRow {
  id: string
  username: string
  password_hash: string
  roles: string
  disabled: number
  created_at: string
  updated_at: string
}

function toRecord (row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    roles: JSON.parse(row.roles) as string[],
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export function createSqliteUserStore (db: SqliteDatabase): UserStore {
  const insert = db.prepare('INSERT INTO users (id, username, username_key, password_hash, roles, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (username_key) DO NOTHING')
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?')
  const byName = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username_key = ?')
  const page = db.prepare<[string, number], UserRow>('SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?')
  const update = db.prepare('UPDATE users SET password_hash = coalesce(?, password_hash), roles = coalesce(?, roles), disabled = coalesce(?, disabled), updated_at = ? WHERE id = ?')
  const remove = db.prepare('DELETE FROM users WHERE id = ?')
  const otherHolders = db.prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM users
    WHERE id != ? AND disabled = 0 AND EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = ?)`)

  /** In the caller's transaction: refuses when the user holds keepRole now, would not after, and nobody else does. */
  function guard (id: string, after: UserChanges | undefined, keepRole: string | undefined): void {
    if (keepRole === undefined) return
    const row = byId.get(id)
    if (row === undefined) return
    const before = toRecord(row)
    const still = after !== undefined && holdsRole({ roles: after.roles ?? before.roles, disabled: after.disabled ?? before.disabled }, keepRole)
    if (!holdsRole(before, keepRole) || still) return
    if ((otherHolders.get(id, keepRole)?.n ?? 0) === 0) throw new LastAdminError()
  }
  // IMMEDIATE: the write lock before the guard's read, so a writer in another process cannot slip in between.
  const guardedUpdate = db.transaction((id: string, changes: UserChanges, keepRole: string | undefined) => {
    guard(id, changes, keepRole)
    const roles = changes.roles === undefined ? null : JSON.stringify(changes.roles)
    const disabled = changes.disabled === undefined ? null : Number(changes.disabled)
    update.run(changes.passwordHash ?? null, roles, disabled, new Date().toISOString(), id)
  })
  const guardedDelete = db.transaction((id: string, keepRole: string | undefined) => {
    guard(id, undefined, keepRole)
    return remove.run(id).changes === 1
  })

  // better-sqlite3 is synchronous; the methods are async only to honour the interface.
  return {
    async create (user) {
      const id = newId()
      const now = new Date().toISOString()
      const { changes } = insert.run(id, user.username, usernameKey(user.username), user.passwordHash, JSON.stringify(user.roles), now, now)
      if (changes === 0) throw new UsernameTakenError(user.username)
      return { id, ...user, roles: [...user.roles], disabled: false, createdAt: now, updatedAt: now }
    },
    async findById (id) {
      const row = byId.get(id)
      return row === undefined ? undefined : toRecord(row)
    },
    async findByUsername (username) {
      const row = byName.get(usernameKey(username))
      return row === undefined ? undefined : toRecord(row)
    },
    async list ({ limit, after }) {
      return page.all(after ?? '', limit).map(toRecord)
    },
    async update (id, changes, keepRole) {
      guardedUpdate.immediate(id, changes, keepRole)
      const row = byId.get(id)
      return row === undefined ? undefined : toRecord(row)
    },
    async delete (id, keepRole) {
      return guardedDelete.immediate(id, keepRole)
    }
  }
}
