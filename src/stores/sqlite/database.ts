/** Opens the embedded SQLite database under DATA_DIR, in WAL mode, migrated to the latest schema. */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS } from './migrations.js'

export type SqliteDatabase = Database.Database

export const DATABASE_FILE = 'gatehouse.db'

export function openDatabase (dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true })
  const db = new Database(join(dataDir, DATABASE_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL') // with WAL: durable across process crashes, fast commits
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return db
}

function migrate (db: SqliteDatabase): void {
  const current = Number(db.pragma('user_version', { simple: true }))
  if (current > MIGRATIONS.length) {
    throw new Error(`the database in DATA_DIR has schema version ${current}, newer than this gatehouse knows (${MIGRATIONS.length})`)
  }
  MIGRATIONS.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${current + index + 1}`)
    })()
  })
}
