/** Revocations: what no longer passes, kept until every token it covers would have expired anyway. */

/** A whole session (sid), everything issued to a subject (sub), or one token (jti). */
export type RevocationKind = 'session' | 'subject' | 'token'

export interface Revocation {
  kind: RevocationKind
  id: string
  until: number // epoch seconds; after it the record may go
}

export interface RevocationStore {
  revoke (revocation: Revocation): Promise<void>
  isRevoked (kind: RevocationKind, id: string): Promise<boolean>
  /** Every revocation still in force: what a local view of revocations is loaded from. */
  listActive (): Promise<Revocation[]>
}
