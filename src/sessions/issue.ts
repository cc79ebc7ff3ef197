/** Issues a session's pair of tokens: a short-lived access token and the one refresh token that may be used next. */
import { randomUUID } from 'node:crypto'
import type { TokenSigner } from '../tokens/sign.js'
import { refreshAudienceOf, type AccessClaims, type RefreshClaims } from '@gatehouse-auth/fastify'
import { epochSeconds } from '../ids.js'

export interface TokenSettings {
  issuer: string
  audience: string
  accessTtl: number
  refreshTtl: number
}

/** The session settings beyond the tokens' own. */
export interface SessionSettings extends TokenSettings {
  reuseGraceSeconds: number
  /** SESSION_MAX_LIFETIME: no token of a session outlives its password login by more than this. */
  maxLifetimeSeconds: number
}

export interface SessionUser {
  id: string
  username: string
  roles: string[]
}

export interface IssuedTokens {
  sid: string
  accessToken: string
  refreshToken: string
  refreshJti: string
  expiresIn: number
  refreshExpiresAt: number
}

/**
 * `refresh`: the refresh token's id and expiry when the session has chosen them (a rotation, or its retry).
 * `endsAt`: the session's absolute end (SESSION_MAX_LIFETIME), which no token outlives.
 */
export function issueTokens (sign: TokenSigner, settings: TokenSettings, grant: { user: SessionUser, sid: string, fresh: boolean, csrf?: string, refresh?: { jti: string, exp: number }, endsAt?: number }): IssuedTokens {
  const iat = epochSeconds()
  const end = grant.endsAt ?? Infinity
  const common = { iss: settings.issuer, aud: settings.audience, sub: grant.user.id, iat }
  const csrf = grant.csrf === undefined ? {} : { csrf: grant.csrf }
  const access: AccessClaims = {
    ...common,
    exp: Math.min(iat + settings.accessTtl, end),
    jti: randomUUID(),
    type: 'access',
    sid: grant.sid,
    username: grant.user.username,
    roles: grant.user.roles,
    fresh: grant.fresh,
    ...csrf
  }
  // Its own aud, the issuer's refresh endpoint: a verifier checking the access audience refuses it.
  const refresh: RefreshClaims = { ...common, aud: refreshAudienceOf(settings.issuer), exp: Math.min(grant.refresh?.exp ?? iat + settings.refreshTtl, end), jti: grant.refresh?.jti ?? randomUUID(), type: 'refresh', sid: grant.sid, ...csrf }
  return { sid: grant.sid, accessToken: sign(access), refreshToken: sign(refresh), refreshJti: refresh.jti, expiresIn: access.exp - iat, refreshExpiresAt: refresh.exp }
}
