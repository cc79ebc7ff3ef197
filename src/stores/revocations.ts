/** Revocations: what no longer passes, kept until every token it covers would have expired anyway. */

/** A whole session (sid), everything issued to a subject (sub), or one token (jti). */
export type RevocationKind = 'session' | 'subject' | 'token'

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
