/** Sessions: one per sign-in, holding the one refresh token id that may be used next. */

export interface SessionRecord {
  id: string
  userId: string
  refreshJti: string
  createdAt: number // epoch seconds
  expiresAt: number
}

/** What presenting a refresh token did: rotated it, caught a reuse, or found no live session. */
export type RotationOutcome = 'rotated' | 'reused' | 'missing'

export interface SessionStore {
  create (session: SessionRecord): Promise<void>
  find (id: string): Promise<SessionRecord | undefined>
  /** Atomically replaces `presentedJti` by `nextJti` when it is the current one, and extends the session. */
  rotate (id: string, presentedJti: string, nextJti: string, expiresAt: number): Promise<RotationOutcome>
  /** Removes the session and answers it, or undefined when there was none. */
  delete (id: string): Promise<SessionRecord | undefined>
  listByUser (userId: string): Promise<SessionRecord[]>
}
