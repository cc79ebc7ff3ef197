/** Sessions in SQLite; rotation is one compare-and-set transaction. */
import type { SqliteDatabase } from './database.js'
import type { RotationOutcome, SessionRecord, SessionStore } from '../sessions.js'
import { epochSeconds } from '../../ids.js'

interface SessionRow {
  id: string
  user_id: string
  refresh_jti: string
  created_at: number
  expires_at: number
}

function toRecord (row: SessionRow): SessionRecord {
  return { id: row.id, userId: row.user_id, refreshJti: row.refresh_jti, createdAt: row.created_at, expiresAt: row.expires_at }
}

export function createSqliteSessionStore (db: SqliteDatabase): SessionStore {
  const insert = db.prepare('INSERT INTO sessions (id, user_id, refresh_jti, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
  const live = db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE id = ? AND expires_at > ?')
  const swap = db.prepare('UPDATE sessions SET refresh_jti = ?, expires_at = ? WHERE id = ? AND refresh_jti = ?')
  const remove = db.prepare<[string], SessionRow>('DELETE FROM sessions WHERE id = ? RETURNING *')
  const byUser = db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at')
  const rotate = db.transaction((id: string, presentedJti: string, nextJti: string, expiresAt: number): RotationOutcome => {
    if (live.get(id, epochSeconds()) === undefined) return 'missing'
    return swap.run(nextJti, expiresAt, id, presentedJti).changes === 1 ? 'rotated' : 'reused'
  })

  return {
    async create (session) {
      insert.run(session.id, session.userId, session.refreshJti, session.createdAt, session.expiresAt)
    },
    async find (id) {
      const row = live.get(id, epochSeconds())
      return row === undefined ? undefined : toRecord(row)
    },
    async rotate (id, presentedJti, nextJti, expiresAt) {
      return rotate.immediate(id, presentedJti, nextJti, expiresAt)
    },
    async delete (id) {
      const row = remove.get(id)
      return row === undefined ? undefined : toRecord(row)
    },
    async listByUser (userId) {
      return byUser.all(userId, epochSeconds()).map(toRecord)
    }
  }
}
