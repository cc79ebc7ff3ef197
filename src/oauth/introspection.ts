/**
 * RFC 7662 token introspection, answered from the local revocation view: an access token (a service's or a
 * user's) that is valid now is active, with its claims; anything else (a bad signature, expired, revoked, a
 * refresh token, garbage) is `{ active: false }`. While the view may have missed a revocation it throws the 503.
 */
import { revocationTargets, scopesOf, type AccessClaims, type RevocationView, type TokenVerifier } from '@gatehouse-auth/fastify'

export interface Introspection {
  active: boolean
  sub?: string
  scope?: string
  client_id?: string
  username?: string
  roles?: string[]
  exp?: number
  iat?: number
  iss?: string
  aud?: string | string[]
  jti?: string
  sid?: string
  token_type?: 'Bearer'
}

/** The claims of a valid access token, or undefined for any token that is not one; errors other than a 401 propagate. */
export async function accessClaimsOrNothing (verifier: TokenVerifier, token: string): Promise<AccessClaims | undefined> {
  try {
    return await verifier.verifyAccess(token)
  } catch (err) {
    if (err instanceof Error && 'statusCode' in err && err.statusCode === 401) return undefined
    throw err
  }
}

export function createIntrospection (verifier: TokenVerifier, revocations: Pick<RevocationView, 'isRevoked'>) {
  return async function introspect (token: string): Promise<Introspection> {
    const claims = await accessClaimsOrNothing(verifier, token)
    if (claims === undefined || await revocations.isRevoked(revocationTargets(claims))) return { active: false }
    return {
      active: true,
      sub: claims.sub,
      scope: scopesOf(claims).join(' '), // always present; empty for a user's token
      roles: claims.roles,
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      aud: claims.aud,
      jti: claims.jti,
      token_type: 'Bearer',
      ...(claims.client_id === undefined ? {} : { client_id: claims.client_id }),
      ...(claims.username === undefined ? {} : { username: claims.username }),
      ...(claims.sid === undefined ? {} : { sid: claims.sid })
    }
  }
}
