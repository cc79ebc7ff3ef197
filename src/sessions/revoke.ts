/**
 * Ending sessions. The revocation is the one step that ends a session: it covers every token the session can
 * still have, refresh tokens included, for as long as any of them can live, so a stall or a crash after it (the
 * session record not yet deleted) leaves the session ended, and a retry after a 503 ends it for good.
 */
import type { Store } from '../stores/store.js'
import { untilEveryTokenExpired } from '../tokens/lifetime.js'

export interface SessionRevoker {
  endSession (sid: string): Promise<void>
  /** Ends every session of a user, but `keep`; answers how many ended. */
  revokeUserSessions (userId: string, keep?: string): Promise<number>
  /** Everything issued to a subject (a deleted service client) stops working. */
  revokeSubject (sub: string): Promise<void>
}

export function createSessionRevoker (store: Pick<Store, 'sessions' | 'revocations'>, refreshTtl: number): SessionRevoker {
  const until = () => untilEveryTokenExpired(refreshTtl)

  async function endSession (sid: string): Promise<void> {
    await store.revocations.revoke({ kind: 'session', id: sid, until: until() })
    await store.sessions.delete(sid) // cleanup: the revocation above already refuses the session's every token
  }

  return {
    endSession,
    async revokeUserSessions (userId, keep) {
      const sessions = (await store.sessions.listByUser(userId)).filter((session) => session.id !== keep)
      for (const session of sessions) await endSession(session.id)
      return sessions.length
    },
    async revokeSubject (sub) {
      await store.revocations.revoke({ kind: 'subject', id: sub, until: until() })
    }
  }
}
