/** Ending sessions: the revocation is written first, so a failure leaves the session refused, not alive. */
import type { Store } from '../stores/store.js'
import { CLOCK_TOLERANCE_SECONDS } from '@gatehouse-auth/fastify'
import { epochSeconds } from '../ids.js'

export interface SessionRevoker {
  endSession (sid: string): Promise<void>
  /** Ends every session of a user, but `keep`; answers how many ended. */
  revokeUserSessions (userId: string, keep?: string): Promise<number>
  /** Everything issued to a subject (a deleted service client) stops working. */
  revokeSubject (sub: string): Promise<void>
}

export function createSessionRevoker (store: Pick<Store, 'sessions' | 'revocations'>, accessTtl: number): SessionRevoker {
  // A revocation must outlive every access token it covers; refresh tokens die with the session record.
  const until = () => epochSeconds() + accessTtl + CLOCK_TOLERANCE_SECONDS

  async function endSession (sid: string): Promise<void> {
    await store.revocations.revoke({ kind: 'session', id: sid, until: until() })
    await store.sessions.delete(sid)
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
