/** Revocations in SQLite; expired rows are ignored at once and deleted by the sweeper. */
import type { SqliteDatabase } from './database.js'
import type { Revocation, RevocationStore } from '@gatehouse-auth/fastify'
import { epochSeconds } from '../../ids.js'

export function createSqliteRevocationStore (db: SqliteDatabase): RevocationStore {
  // MAX: revoking again never shortens a revocation already in force. seq: the change sequence the feed of every
  // other process reads (the sweeper never deletes the row holding the highest one, so it never goes back).
  const upsert = db.prepare(`INSERT INTO revocations (kind, id, until, seq) VALUES (?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM revocations))
    ON CONFLICT (kind, id) DO UPDATE SET until = max(until, excluded.until), seq = excluded.seq`)
  const find = db.prepare<[string, string, number], { one: number }>('SELECT 1 AS one FROM revocations WHERE kind = ? AND id = ? AND until > ?')
  const active = db.prepare<[number], Revocation>('SELECT kind, id, until FROM revocations WHERE until > ?')

  return {
    async revoke ({ kind, id, until }) {
      upsert.run(kind, id, until)
    },
    async isRevoked (targets) {
      const now = epochSeconds()
      return targets.some(({ kind, id }) => find.get(kind, id, now) !== undefined)
    },
    async listActive () {
      return active.all(epochSeconds())
    }
  }
}
