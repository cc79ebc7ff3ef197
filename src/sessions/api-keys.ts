/**
 * Personal API keys: for scripts and CI, acting as their user with the same or fewer roles. A key is `ghk_` and a
 * long-lived signed token of its own type (typ apikey+jwt, claims type api_key, never fresh), so gatehouse and every
 * service verify it as they verify access tokens, with no store round trip; its id is its jti, and revoking it is a
 * revocation of that jti in every instance's local view. The store keeps what the key may do and its hash only.
 */
import { createHash, randomUUID } from 'node:crypto'
import { API_KEY_PREFIX, CLOCK_TOLERANCE_SECONDS, ForbiddenError, type AccessClaims } from '@gatehouse-auth/fastify'
import type { Store } from '../stores/store.js'
import type { ApiKeyRecord } from '../stores/api-keys.js'
import type { TokenSigner } from '../tokens/sign.js'
import type { SessionRevoker } from './revoke.js'
import { TokenRevokedError } from '../errors.js'
import { epochSeconds } from '../ids.js'

export const API_KEY_MAX_LIFETIME_SECONDS = 365 * 86400
export const API_KEY_DEFAULT_LIFETIME_SECONDS = 90 * 86400

export interface NewApiKey {
  name: string
  /** A subset of the user's roles, possibly empty; all of them when absent. */
  roles?: string[]
  /** Seconds, at most API_KEY_MAX_LIFETIME_SECONDS. */
  expiresIn?: number
}

export interface ApiKeyServiceOptions {
  store: Pick<Store, 'users' | 'apiKeys' | 'signingKeys' | 'revocations'>
  revoker: Pick<SessionRevoker, 'revokeApiKey'>
  /** What creating keys needs: the service's signer. The operator CLI lists and revokes keys without one. */
  signing?: { sign: TokenSigner, issuer: string, audience: string }
}

/** The kid in a token we just signed. */
function kidOf (token: string): string {
  const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'))
  return typeof header === 'object' && header !== null && 'kid' in header ? String(header.kid) : ''
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex')

export function createApiKeyService ({ store, revoker, signing }: ApiKeyServiceOptions) {
  return {
    /** A new key for this user, answered once with the key itself. */
    async create (userId: string, request: NewApiKey): Promise<{ record: ApiKeyRecord, apiKey: string }> {
      if (signing === undefined) throw new Error('API keys are created by the service, from a fresh sign-in')
      const user = await store.users.findById(userId)
      if (user === undefined || user.disabled) throw new TokenRevokedError()
      const roles = [...new Set(request.roles ?? user.roles)]
      const missing = roles.filter((role) => !user.roles.includes(role))
      if (missing.length > 0) throw new ForbiddenError(`role ${missing.join(', ')}: an API key holds only roles its user has`)
      const id = randomUUID()
      const createdAt = epochSeconds()
      const expiresAt = createdAt + Math.min(request.expiresIn ?? API_KEY_DEFAULT_LIFETIME_SECONDS, API_KEY_MAX_LIFETIME_SECONDS)
      const claims: AccessClaims = {
        iss: signing.issuer,
        aud: signing.audience,
        sub: user.id,
        iat: createdAt,
        exp: expiresAt,
        jti: id,
        type: 'api_key',
        roles,
        username: user.username,
        fresh: false
      }
      const token = signing.sign(claims)
      // A rotation must not end the key: the signing key stays in the ring (and the JWKS) as long as the key lives.
      await store.signingKeys.holdUntil(kidOf(token), expiresAt + CLOCK_TOLERANCE_SECONDS)
      const apiKey = API_KEY_PREFIX + token
      const record: ApiKeyRecord = { id, userId: user.id, name: request.name, roles, createdAt, expiresAt, keyHash: hashApiKey(apiKey) }
      await store.apiKeys.create(record)
      // A change to the user that raced this (roles, password, disabled, deleted) revoked the keys it found, which
      // may not have included this one yet: check again now that it is listed, and revoke it if so.
      const after = await store.users.findById(userId)
      if (after === undefined || after.disabled || after.passwordHash !== user.passwordHash || [...after.roles].sort().join(' ') !== [...user.roles].sort().join(' ')) {
        await revoker.revokeApiKey(record)
        throw new TokenRevokedError()
      }
      return { record, apiKey }
    },

    /** The user's keys that have not expired or been revoked (also by RFC 7009, which knows only the jti), oldest first. */
    async list (userId: string): Promise<ApiKeyRecord[]> {
      const keys = await store.apiKeys.listByUser(userId)
      const revoked = await Promise.all(keys.map(async (key) => await store.revocations.isRevoked([{ kind: 'token', id: key.id }])))
      return keys.filter((_, i) => revoked[i] !== true)
    },

    /** Revokes one of this user's keys at once, everywhere; false when the user has no such key. */
    async revoke (userId: string, id: string): Promise<boolean> {
      const key = await store.apiKeys.find(id)
      if (key === undefined || key.userId !== userId) return false
      await revoker.revokeApiKey(key)
      return true
    }
  }
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>
