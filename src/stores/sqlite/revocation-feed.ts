/**
 * Revocations written by every process on the SQLite file (the CLI, a second server), for the local view. It polls
 * `PRAGMA data_version`, which changes when another connection commits, so an idle poll reads nothing; after a
 * change it reads the revocations whose change sequence is past the last one seen. This connection's own writes
 * reach the view directly.
 */
import { epochSeconds, isRevocationKind, type RevocationFeed } from '@gatehouse-auth/fastify'
import type { SqliteDatabase } from './database.js'

export const SQLITE_FEED_INTERVAL_MS = 100

interface ChangedRow { kind: string, id: string, until: number, seq: number }

export function createSqliteRevocationFeed (db: SqliteDatabase, intervalMs = SQLITE_FEED_INTERVAL_MS): RevocationFeed {
  const dataVersion = () => Number(db.pragma('data_version', { simple: true }))
  const latest = db.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM revocations')
  const changedSince = db.prepare<[number, number], ChangedRow>('SELECT kind, id, until, seq FROM revocations WHERE seq > ? AND until > ? ORDER BY seq')
  let timer: NodeJS.Timeout | undefined

  return {
    async start ({ onRevocation, onUp }) {
      // Read before the view loads everything: what is written in between is both loaded and read here, never missed.
      let seen = latest.get()?.seq ?? 0
      let version = dataVersion()
      await onUp()
      timer = setInterval(() => {
        if (!db.open) return
        const current = dataVersion()
        if (current === version) return
        version = current
        for (const row of changedSince.all(seen, epochSeconds())) {
          seen = Math.max(seen, row.seq)
          if (isRevocationKind(row.kind)) onRevocation({ kind: row.kind, id: row.id, until: row.until })
        }
      }, intervalMs)
      timer.unref()
    },
    async close () {
      clearInterval(timer)
    }
  }
}
