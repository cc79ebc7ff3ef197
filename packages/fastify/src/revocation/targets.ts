/** Revocations: what no longer passes, kept until every token it covers would have expired anyway. */
import type { AccessClaims } from '../claims.js'

/** A whole session (sid), everything issued to a subject (sub), or one token (jti). */
export const REVOCATION_KINDS = ['session', 'subject', 'token'] as const
export type RevocationKind = typeof REVOCATION_KINDS[number]

export function isRevocationKind (kind: unknown): kind is RevocationKind {
  return (REVOCATION_KINDS as readonly unknown[]).includes(kind)
}

/** What a token is checked against: its session, its subject, itself. */
export interface RevocationTarget {
  kind: RevocationKind
  id: string
}

export interface Revocation extends RevocationTarget {
  until: number // epoch seconds; after it the record may go
}

export interface RevocationStore {
  revoke (revocation: Revocation): Promise<void>
  /** True when any of the targets is revoked: one round trip for all of a token's targets. */
  isRevoked (targets: readonly RevocationTarget[]): Promise<boolean>
  /** Every revocation still in force: what a local view of revocations is loaded from. */
  listActive (): Promise<Revocation[]>
}

/** What an access token is checked against on every protected request: its subject, itself, and its session. */
export function revocationTargets (claims: Pick<AccessClaims, 'sub' | 'jti' | 'sid'>): RevocationTarget[] {
  const targets: RevocationTarget[] = [{ kind: 'subject', id: claims.sub }, { kind: 'token', id: claims.jti }]
  if (claims.sid !== undefined) targets.push({ kind: 'session', id: claims.sid })
  return targets
}

/** Seconds since the epoch, the unit of JWT times and of every revocation's expiry. */
export function epochSeconds (now: number = Date.now()): number {
  return Math.floor(now / 1000)
}
