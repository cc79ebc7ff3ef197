/** Sessions in SQLite; rotation is one compare-and-set transaction. */
import type { SqliteDatabase } from './database.js'
import type { Rotation, SessionRecord, SessionSighting, SessionStore } from '../sessions.js'
import { epochSeconds } from '../../ids.js'

interface SessionRow {
  id: string
  user_id: string
  refresh_jti: string
  created_at: number
  expires_at: number
  previous_jti: string | null
  rotated_at: number | null
  last_used_at: number
  user_agent: string
  ip: string
}

function toRecord (row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    refreshJti: row.refresh_jti,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at === 0 ? row.created_at : row.last_used_at, // 0: a session from before migration 3
    userAgent: row.user_agent,
    ip: row.ip
  }
}

export function createSqliteSessionStore (db: SqliteDatabase): SessionStore {
  const insert = db.prepare('INSERT INTO sessions (id, user_id, refresh_jti, created_at, expires_at, last_used_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const live = db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE id = ? AND expires_at > ?')
  const swap = db.prepare('UPDATE sessions SET refresh_jti = ?, expires_at = ?, previous_jti = refresh_jti, rotated_at = ? WHERE id = ?')
  const sighted = db.prepare('UPDATE sessions SET last_used_at = ?, user_agent = ?, ip = ? WHERE id = ?')
  const remove = db.prepare<[string], SessionRow>('DELETE FROM sessions WHERE id = ? RETURNING *')
  const byUser = db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at')
  // See SessionStore.rotate; IMMEDIATE: the write lock first, so two processes on the file cannot both rotate.
  const rotate = db.transaction((id: string, presentedJti: string, nextJti: string, expiresAt: number, graceSeconds: number, seen?: SessionSighting): Rotation => {
    const now = epochSeconds()
    const session = live.get(id, now)
    if (session === undefined) return { outcome: 'missing' }
    if (session.refresh_jti === presentedJti) {
      swap.run(nextJti, expiresAt, now, id)
      if (seen !== undefined) sighted.run(seen.at, seen.userAgent, seen.ip, id)
      return { outcome: 'rotated', refreshJti: nextJti, expiresAt }
    }
    if (graceSeconds > 0 && session.previous_jti === presentedJti && now - (session.rotated_at ?? 0) <= graceSeconds) {
      return { outcome: 'retried', refreshJti: session.refresh_jti, expiresAt: session.expires_at }
    }
    return { outcome: 'reused' }
  })

  return {
    async create (session) {
      insert.run(session.id, session.userId, session.refreshJti, session.createdAt, session.expiresAt, session.lastUsedAt, session.userAgent, session.ip)
    },
    async find (id) {
      const row = live.get(id, epochSeconds())
      return row === undefined ? undefined : toRecord(row)
    },
    async rotate (id, presentedJti, nextJti, expiresAt, graceSeconds, seen) {
      return rotate.immediate(id, presentedJti, nextJti, expiresAt, graceSeconds, seen)
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
