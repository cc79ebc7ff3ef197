/** API keys in SQLite: one row each, expired rows swept with the sessions. */
import type { SqliteDatabase } from './database.js'
import type { ApiKeyRecord, ApiKeyStore } from '../api-keys.js'
import { epochSeconds } from '../../ids.js'

interface ApiKeyRow {
  id: string
  user_id: string
  name: string
  roles: string
  created_at: number
  expires_at: number
  key_hash: string
}

function toRecord (row: ApiKeyRow): ApiKeyRecord {
  return { id: row.id, userId: row.user_id, name: row.name, roles: JSON.parse(row.roles) as string[], createdAt: row.created_at, expiresAt: row.expires_at, keyHash: row.key_hash }
}

export function createSqliteApiKeyStore (db: SqliteDatabase): ApiKeyStore {
  const insert = db.prepare('INSERT INTO api_keys (id, user_id, name, roles, created_at, expires_at, key_hash) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const live = db.prepare<[string, number], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ? AND expires_at > ?')
  const byUser = db.prepare<[string, number], ApiKeyRow>('SELECT * FROM api_keys WHERE user_id = ? AND expires_at > ? ORDER BY created_at, id')
  const remove = db.prepare<[string], ApiKeyRow>('DELETE FROM api_keys WHERE id = ? RETURNING *')
  const firstUse = db.prepare('UPDATE api_keys SET first_used_at = ? WHERE id = ? AND first_used_at IS NULL')
  return {
    async create (key) {
      insert.run(key.id, key.userId, key.name, JSON.stringify(key.roles), key.createdAt, key.expiresAt, key.keyHash)
    },
    async find (id) {
      const row = live.get(id, epochSeconds())
      return row === undefined ? undefined : toRecord(row)
    },
    async listByUser (userId) {
      return byUser.all(userId, epochSeconds()).map(toRecord)
    },
    async markUsed (id, at) {
      return firstUse.run(at, id).changes === 1
    },
    async delete (id) {
      const row = remove.get(id)
      return row === undefined ? undefined : toRecord(row)
    }
  }
}
