/** Issues a session's pair of tokens: a short-lived access token and the one refresh token that may be used next. */
import { randomUUID } from 'node:crypto'
import type { TokenSigner } from '../tokens/sign.js'
import type { AccessClaims, RefreshClaims } from '@gatehouse-auth/fastify'
import { epochSeconds } from '../ids.js'

export interface TokenSettings {
  issuer: string
  audience: string
  accessTtl: number
  refreshTtl: number
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

export function issueTokens (sign: TokenSigner, settings: TokenSettings, grant: { user: SessionUser, sid: string, fresh: boolean, csrf?: string }): IssuedTokens {
  const iat = epochSeconds()
  const common = { iss: settings.issuer, aud: settings.audience, sub: grant.user.id, iat }
  const csrf = grant.csrf === undefined ? {} : { csrf: grant.csrf }
  const access: AccessClaims = {
    ...common,
    exp: iat + settings.accessTtl,
    jti: randomUUID(),
    type: 'access',
    sid: grant.sid,
    username: grant.user.username,
    roles: grant.user.roles,
    fresh: grant.fresh,
    ...csrf
  }
  const refresh: RefreshClaims = { ...common, exp: iat + settings.refreshTtl, jti: randomUUID(), type: 'refresh', sid: grant.sid, ...csrf }
  return { sid: grant.sid, accessToken: sign(access), refreshToken: sign(refresh), refreshJti: refresh.jti, expiresIn: settings.accessTtl, refreshExpiresAt: refresh.exp }
}
