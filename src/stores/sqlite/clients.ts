/** Service clients in SQLite. */
import type { SqliteDatabase } from './database.js'
import type { ClientRecord, ClientStore } from '../clients.js'
import { newId } from '../../ids.js'

interface ClientRow {
  id: string
  name: string
  secret_hash: string
  scopes: string
  created_at: string
}

function toRecord (row: ClientRow): ClientRecord {
  return { id: row.id, name: row.name, secretHash: row.secret_hash, scopes: JSON.parse(row.scopes) as string[], createdAt: row.created_at }
}

export function createSqliteClientStore (db: SqliteDatabase): ClientStore {
  const insert = db.prepare('INSERT INTO clients (id, name, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)')
  const byId = db.prepare<[string], ClientRow>('SELECT * FROM clients WHERE id = ?')
  const page = db.prepare<[string, number], ClientRow>('SELECT * FROM clients WHERE id > ? ORDER BY id LIMIT ?')
  const remove = db.prepare('DELETE FROM clients WHERE id = ?')

  return {
    async create (client) {
      const record: ClientRecord = { id: newId(), ...client, scopes: [...client.scopes], createdAt: new Date().toISOString() }
      insert.run(record.id, record.name, record.secretHash, JSON.stringify(record.scopes), record.createdAt)
      return record
    },
    async findById (id) {
      const row = byId.get(id)
      return row === undefined ? undefined : toRecord(row)
    },
    async list ({ limit, after }) {
      return page.all(after ?? '', limit).map(toRecord)
    },
    async delete (id) {
      return remove.run(id).changes === 1
    }
  }
}
