/** Sessions: sign in with a password, refresh with rotation and reuse detection, sign out, change the password. */
import { randomUUID } from 'node:crypto'
import type { Store } from '../stores/store.js'
import type { UserRecord } from '../stores/users.js'
import type { SessionRecord, SessionSighting } from '../stores/sessions.js'
import type { TokenSigner } from '../tokens/sign.js'
import { type AccessClaims, CLOCK_TOLERANCE_SECONDS, type TokenVerifier } from '@gatehouse-auth/fastify'
import { csrfMatches, newCsrfToken } from '../tokens/csrf.js'
import { hashPassword, verifyAgainstDecoy, verifyPassword } from '../passwords.js'
import { passwordProblem } from '../password-policy.js'
import { CsrfError, InvalidCredentialsError, SessionEndedError, TokenRevokedError, WeakPasswordError, refreshReuseError } from '../errors.js'
import { epochSeconds } from '../ids.js'
import { issueTokens, type IssuedTokens, type SessionSettings, type SessionUser } from './issue.js'
import { createSessionRevoker } from './revoke.js'

export type SessionMode = 'cookie' | 'token'

export interface SignedIn extends IssuedTokens {
  user: SessionUser
  csrf?: string
  /** A refresh answered as a retry of the one just made (within REFRESH_REUSE_GRACE): the same chain again. */
  retried?: boolean
}

export interface SessionServiceOptions {
  store: Pick<Store, 'users' | 'sessions' | 'apiKeys' | 'revocations'>
  sign: TokenSigner
  verifier: TokenVerifier
  settings: SessionSettings
}

const publicUser = (user: UserRecord): SessionUser => ({ id: user.id, username: user.username, roles: user.roles })

export function createSessionService ({ store, sign, verifier, settings }: SessionServiceOptions) {
  const { endSession, revokeUserSessions, revokeUserCredentials, revokeApiKey } = createSessionRevoker(store, settings.refreshTtl)

  async function start (user: UserRecord, mode: SessionMode, seen: SessionSighting): Promise<SignedIn> {
    const sid = randomUUID()
    const csrf = mode === 'cookie' ? newCsrfToken() : undefined
    const createdAt = seen.at
    const tokens = issueTokens(sign, settings, { user: publicUser(user), sid, fresh: true, endsAt: createdAt + settings.maxLifetimeSeconds, ...(csrf === undefined ? {} : { csrf }) })
    await store.sessions.create({
      id: sid, userId: user.id, refreshJti: tokens.refreshJti, createdAt, expiresAt: tokens.refreshExpiresAt, lastUsedAt: createdAt, userAgent: seen.userAgent, ip: seen.ip
    })
    return { ...tokens, user: publicUser(user), ...(csrf === undefined ? {} : { csrf }) }
  }

  return {
    /** For a failed login's security event: the targeted user's id when there is such a user. */
    async knownUserId (username: string): Promise<{ user_id?: string }> {
      const user = await store.users.findByUsername(username)
      return user === undefined ? {} : { user_id: user.id }
    },

    /** Unknown users, wrong passwords and disabled users answer alike, after the same argon2 work. */
    async login (username: string, password: string, mode: SessionMode, seen: SessionSighting): Promise<SignedIn> {
      const user = await store.users.findByUsername(username)
      const matches = user === undefined ? await verifyAgainstDecoy(password) : await verifyPassword(user.passwordHash, password)
      if (user === undefined || !matches || user.disabled) throw new InvalidCredentialsError()
      return await start(user, mode, seen)
    },

    /**
     * Rotates the refresh token: it works once. Presented again within the reuse grace, it is a retry (a lost
     * answer, a 503, two tabs) and answers the same chain again; later, it revokes the whole session. With the
     * cookie transport, `csrfHeader` must match the token's csrf claim before anything changes.
     */
    async refresh (refreshToken: string, seen: SessionSighting, cookie?: { csrfHeader: string | string[] | undefined }): Promise<SignedIn> {
      const claims = await verifier.verifyRefresh(refreshToken)
      if (cookie !== undefined && !csrfMatches(claims.csrf, cookie.csrfHeader)) throw new CsrfError()
      if (await store.revocations.isRevoked([{ kind: 'session', id: claims.sid }, { kind: 'subject', id: claims.sub }])) throw new TokenRevokedError()
      const session = await store.sessions.find(claims.sid)
      const user = session === undefined ? undefined : await store.users.findById(session.userId)
      if (session === undefined || user === undefined || user.disabled || session.userId !== claims.sub) {
        if (session !== undefined) await endSession(claims.sid)
        throw new TokenRevokedError()
      }
      // SESSION_MAX_LIFETIME: a refresh never extends the session past its sign-in plus this.
      const endsAt = session.createdAt + settings.maxLifetimeSeconds
      const now = epochSeconds()
      if (now >= endsAt) {
        await endSession(claims.sid)
        throw new SessionEndedError()
      }
      const rotation = await store.sessions.rotate(claims.sid, claims.jti, randomUUID(), Math.min(now + settings.refreshTtl, endsAt), settings.reuseGraceSeconds, seen)
      if (rotation.outcome === 'reused') {
        // Reuse: a stolen token, or its owner racing a thief. Either way the session can no longer be trusted.
        await endSession(claims.sid)
        throw refreshReuseError({ userId: claims.sub, sessionId: claims.sid })
      }
      if (rotation.outcome === 'missing') throw new TokenRevokedError()
      const csrf = claims.csrf === undefined ? {} : { csrf: claims.csrf }
      const tokens = issueTokens(sign, settings, { user: publicUser(user), sid: claims.sid, fresh: false, ...csrf, refresh: { jti: rotation.refreshJti, exp: rotation.expiresAt }, endsAt })
      return { ...tokens, user: publicUser(user), ...csrf, ...(rotation.outcome === 'retried' ? { retried: true } : {}) }
    },

    /** Ends the token's session; an API key revokes itself, a service token (no session) is revoked by itself. */
    async logout (claims: AccessClaims): Promise<void> {
      if (claims.sid !== undefined) return await endSession(claims.sid)
      const key = claims.type === 'api_key' ? await store.apiKeys.find(claims.jti) : undefined
      if (key !== undefined) return await revokeApiKey(key)
      await store.revocations.revoke({ kind: 'token', id: claims.jti, until: claims.exp + CLOCK_TOLERANCE_SECONDS })
    },

    revokeUserSessions,
    endSession,

    /** A user's live sessions, newest first. */
    async listSessions (userId: string): Promise<SessionRecord[]> {
      return (await store.sessions.listByUser(userId)).sort((a, b) => b.createdAt - a.createdAt || b.lastUsedAt - a.lastUsedAt)
    },

    /** Ends one of this user's sessions; false when the user has no such session (another user's included). */
    async endOwnSession (userId: string, sid: string): Promise<boolean> {
      const session = await store.sessions.find(sid)
      if (session === undefined || session.userId !== userId) return false
      await endSession(sid)
      return true
    },

    async changePassword (claims: AccessClaims, currentPassword: string, newPassword: string): Promise<void> {
      const user = await store.users.findById(claims.sub)
      if (user === undefined || user.disabled) throw new TokenRevokedError()
      if (!await verifyPassword(user.passwordHash, currentPassword)) {
        // A retry of a change answered 503 after its write: the new password is already the stored one. Finish it.
        if (currentPassword === newPassword || !await verifyPassword(user.passwordHash, newPassword)) throw new InvalidCredentialsError()
        await revokeUserCredentials(user.id, claims.sid)
        return
      }
      const problem = passwordProblem(newPassword, user.username)
      if (problem !== undefined) throw new WeakPasswordError(problem)
      // Revoked before the write as well as after: whichever step a 503 interrupts, the others are out or the retry ends them.
      await revokeUserCredentials(user.id, claims.sid)
      await store.users.update(user.id, { passwordHash: await hashPassword(newPassword) })
      await revokeUserCredentials(user.id, claims.sid) // this session stays; every other one and every API key goes
    }
  }
}

export type SessionService = ReturnType<typeof createSessionService>
