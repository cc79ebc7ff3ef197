/** The embedded store: every durable record in one SQLite file, expired rows swept periodically. */
import type { Store } from '../store.js'
import { openDatabase } from './database.js'
import { createSqliteUserStore } from './users.js'
import { createSqliteClientStore } from './clients.js'
import { createSqliteSigningKeyStore } from './signing-keys.js'
import { createSqliteSessionStore } from './sessions.js'
import { createSqliteApiKeyStore } from './api-keys.js'
import { createSqliteRevocationStore } from './revocations.js'
import { createSqliteRevocationFeed } from './revocation-feed.js'
import { epochSeconds } from '../../ids.js'

export interface SqliteStoreOptions {
  dataDir: string
  sweepIntervalSeconds: number
}

export function createSqliteStore ({ dataDir, sweepIntervalSeconds }: SqliteStoreOptions): Store & { sweep (): number } {
  const db = openDatabase(dataDir)
  const sweepStatements = [
    db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    db.prepare('DELETE FROM api_keys WHERE expires_at <= ?'),
    // The row with the highest change sequence stays: the revocation feed counts on it never going back.
    db.prepare('DELETE FROM revocations WHERE until <= ? AND seq < (SELECT max(seq) FROM revocations)'),
    db.prepare('DELETE FROM signing_keys WHERE active = 0 AND expires_at <= ?')
  ]
  const sweep = db.transaction((now: number) => sweepStatements.reduce((deleted, statement) => deleted + statement.run(now).changes, 0))
  const sweeper = setInterval(() => sweep(epochSeconds()), sweepIntervalSeconds * 1000)
  sweeper.unref() // the sweeper alone never keeps the process alive

  return {
    mode: 'embedded',
    users: createSqliteUserStore(db),
    clients: createSqliteClientStore(db),
    signingKeys: createSqliteSigningKeyStore(db),
    sessions: createSqliteSessionStore(db),
    apiKeys: createSqliteApiKeyStore(db),
    revocations: createSqliteRevocationStore(db),
    revocationFeed: () => createSqliteRevocationFeed(db),
    sweep: () => sweep(epochSeconds()),
    async ping () {
      return db.open
    },
    async close () {
      clearInterval(sweeper)
      if (db.open) db.close()
    }
  }
}
