/** Opens the embedded SQLite database under DATA_DIR, in WAL mode, migrated to the latest schema. */
import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS } from './migrations.js'

export type SqliteDatabase = Database.Database

export const DATABASE_FILE = 'gatehouse.db'

export function openDatabase (dataDir: string): SqliteDatabase {
  let db: SqliteDatabase
  try {
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    db = new Database(join(dataDir, DATABASE_FILE))
    chmodSync(join(dataDir, DATABASE_FILE), 0o600) // password hashes and the private signing key: the owner's only
  } catch (err) {
    throw new Error(`DATA_DIR: cannot open ${join(dataDir, DATABASE_FILE)} (${err instanceof Error ? err.message : String(err)})`)
  }
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
