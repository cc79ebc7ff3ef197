/** Sessions: one per sign-in, holding the one refresh token id that may be used next. */

export interface SessionRecord {
  id: string
  userId: string
  refreshJti: string
  createdAt: number // epoch seconds
  expiresAt: number
  /** The sign-in, then each refresh: shown to the session's owner, never trusted for anything. */
  lastUsedAt: number
  userAgent: string
  ip: string
}

/** Where and when a session was last used (sign-in or refresh). */
export interface SessionSighting {
  at: number // epoch seconds
  userAgent: string
  ip: string
}

/**
 * What presenting a refresh token did. `rotated`: it was the current one, and `refreshJti` is next. `retried`: it
 * was the one just rotated away, within the grace, so this is a retry of that rotation: the session's current
 * `refreshJti` (and its expiry) answer again, one chain, never a fork. `reused`: an older one, or after the grace.
 */
export type Rotation =
  | { outcome: 'rotated', refreshJti: string, expiresAt: number }
  | { outcome: 'retried', refreshJti: string, expiresAt: number }
  | { outcome: 'reused' }
  | { outcome: 'missing' }

export interface SessionStore {
  create (session: SessionRecord): Promise<void>
  find (id: string): Promise<SessionRecord | undefined>
  /**
   * Atomically replaces `presentedJti` by `nextJti` when it is the current one, and extends the session; answers a
   * retry when it is the one rotated away less than `graceSeconds` ago (0: never). One step, so racing repeats on
   * two instances see one rotation.
   */
  rotate (id: string, presentedJti: string, nextJti: string, expiresAt: number, graceSeconds: number, seen?: SessionSighting): Promise<Rotation>
  /** Removes the session and answers it, or undefined when there was none. */
  delete (id: string): Promise<SessionRecord | undefined>
  /** A user's live sessions, oldest first, in one or two store round trips however many there are. */
  listByUser (userId: string): Promise<SessionRecord[]>
}
