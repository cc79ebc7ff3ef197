/** The signing key ring in SQLite; a partial unique index allows one active key at most. */
import type { SqliteDatabase } from './database.js'
import type { SigningKeyRecord, SigningKeyStore } from '../signing-keys.js'
import { epochSeconds } from '../../ids.js'

interface KeyRow {
  kid: string
  alg: string
  material: string
  created_at: number
  retired_at: number | null
  expires_at: number | null
  signed_until: number | null
}

function toRecord (row: KeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    material: row.material,
    createdAt: row.created_at,
    ...(row.retired_at === null ? {} : { retiredAt: row.retired_at }),
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
    ...(row.signed_until === null ? {} : { signedUntil: row.signed_until })
  }
}

export function createSqliteSigningKeyStore (db: SqliteDatabase): SigningKeyStore {
  const active = db.prepare<[], KeyRow>('SELECT * FROM signing_keys WHERE active = 1')
  const insertActive = db.prepare('INSERT INTO signing_keys (kid, alg, material, active, created_at) VALUES (?, ?, ?, 1, ?)')
  const ring = db.prepare<[number], KeyRow>('SELECT * FROM signing_keys WHERE active = 1 OR expires_at IS NULL OR expires_at > ? ORDER BY active DESC, created_at DESC')
  // IMMEDIATE takes the write lock first, so two processes on one file cannot both insert.
  const initialize = db.transaction((candidate: SigningKeyRecord): SigningKeyRecord => {
    const current = active.get()
    if (current !== undefined) return toRecord(current)
    insertActive.run(candidate.kid, candidate.alg, candidate.material, candidate.createdAt)
    return candidate
  })

  const retire = db.prepare('UPDATE signing_keys SET active = 0, retired_at = ?, expires_at = ? WHERE active = 1')
  // A rotation keeps the retired key as long as the API keys it signed live.
  const retireForRotation = db.prepare('UPDATE signing_keys SET active = 0, retired_at = ?, expires_at = max(?, coalesce(signed_until, 0)) WHERE active = 1')
  const hold = db.prepare('UPDATE signing_keys SET signed_until = max(coalesce(signed_until, 0), @until), expires_at = CASE WHEN active = 0 THEN max(coalesce(expires_at, 0), @until) ELSE expires_at END WHERE kid = @kid')
  const rotate = db.transaction((next: SigningKeyRecord, retiredUntil: number, ifActive: string | undefined): boolean => {
    if (ifActive !== undefined && active.get()?.kid !== ifActive) return false
    retireForRotation.run(epochSeconds(), retiredUntil)
    insertActive.run(next.kid, next.alg, next.material, next.createdAt)
    return true
  })

  return {
    async initialize (candidate) {
      return initialize.immediate(candidate)
    },
    async rotate (next, retiredUntil, ifActive) {
      return rotate.immediate(next, retiredUntil, ifActive)
    },
    async holdUntil (kid, until) {
      hold.run({ until, kid })
    },
    async retireActive (retiredUntil) {
      return retire.run(epochSeconds(), retiredUntil).changes === 1
    },
    async list () {
      return ring.all(epochSeconds()).map(toRecord)
    }
  }
}
