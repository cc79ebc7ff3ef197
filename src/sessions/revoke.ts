/**
 * Ending sessions and API keys. The revocation is the one step that ends either: it covers every token the session
 * can still have, refresh tokens included, for as long as any of them can live (an API key: until it expires), so
 * a stall or a crash after it (the record not yet deleted) leaves it ended, and a retry after a 503 ends it for good.
 */
import { CLOCK_TOLERANCE_SECONDS } from '@gatehouse-auth/fastify'
import type { Store } from '../stores/store.js'
import type { ApiKeyRecord } from '../stores/api-keys.js'
import { untilEveryTokenExpired } from '../tokens/lifetime.js'

export interface SessionRevoker {
  endSession (sid: string): Promise<void>
  /** Ends every session of a user, but `keep`; answers how many ended. */
  revokeUserSessions (userId: string, keep?: string): Promise<number>
  revokeApiKey (key: ApiKeyRecord): Promise<void>
  /** What a new password, other roles, disabling or deleting a user ends: its sessions (but `keep`) and API keys. */
  revokeUserCredentials (userId: string, keep?: string): Promise<number>
  /** Everything issued to a subject (a deleted service client) stops working. */
  revokeSubject (sub: string): Promise<void>
}

export function createSessionRevoker (store: Pick<Store, 'sessions' | 'apiKeys' | 'revocations'>, refreshTtl: number): SessionRevoker {
  const until = () => untilEveryTokenExpired(refreshTtl)

  async function endSession (sid: string): Promise<void> {
    await store.revocations.revoke({ kind: 'session', id: sid, until: until() })
    await store.sessions.delete(sid) // cleanup: the revocation above already refuses the session's every token
  }

  async function revokeUserSessions (userId: string, keep?: string): Promise<number> {
    const sessions = (await store.sessions.listByUser(userId)).filter((session) => session.id !== keep)
    for (const session of sessions) await endSession(session.id)
    return sessions.length
  }

  async function revokeApiKey (key: ApiKeyRecord): Promise<void> {
    await store.revocations.revoke({ kind: 'token', id: key.id, until: key.expiresAt + CLOCK_TOLERANCE_SECONDS })
    await store.apiKeys.delete(key.id) // cleanup, as for sessions
  }

  return {
    endSession,
    revokeUserSessions,
    revokeApiKey,
    async revokeUserCredentials (userId, keep) {
      const ended = await revokeUserSessions(userId, keep)
      for (const key of await store.apiKeys.listByUser(userId)) await revokeApiKey(key)
      return ended
    },
    async revokeSubject (sub) {
      await store.revocations.revoke({ kind: 'subject', id: sub, until: until() })
    }
  }
}
