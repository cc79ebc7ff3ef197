/** Replies of the session lists: a user's own (/auth/sessions) and an admin's view of a user's. */
import { Type } from '@sinclair/typebox'
import type { SessionRecord } from '../stores/sessions.js'

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

export const SessionItem = Type.Object({
  id: Type.String({ description: 'the session id: the sid of its tokens' }),
  created_at: Type.String({ format: 'date-time', description: 'the password sign-in' }),
  last_used_at: Type.String({ format: 'date-time', description: 'the sign-in or the last refresh' }),
  expires_at: Type.String({ format: 'date-time', description: 'when its refresh token expires, unless refreshed' }),
  user_agent: Type.String({ description: 'as sent at the sign-in or the last refresh (at most 256 characters); never trusted' }),
  ip: Type.String({ description: 'the client address then, as TRUST_PROXY lets gatehouse see it' }),
  current: Type.Boolean({ description: 'the session of the token that asked' })
}, { title: 'Session' })

export const SessionListReply = Type.Object({ sessions: Type.Array(SessionItem) }, { title: 'Sessions' })

export const SessionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export function sessionListReply (sessions: SessionRecord[], currentSid: string | undefined) {
  return {
    sessions: sessions.map((session) => ({
      id: session.id,
      created_at: iso(session.createdAt),
      last_used_at: iso(session.lastUsedAt),
      expires_at: iso(session.expiresAt),
      user_agent: session.userAgent,
      ip: session.ip,
      current: session.id === currentSid
    }))
  }
}
