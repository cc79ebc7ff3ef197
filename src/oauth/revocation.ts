/**
 * RFC 7009 token revocation. An access token is revoked by its jti (in every instance's view at once, and in every
 * service's that shares the Redis), a refresh token ends its session. A client may revoke the tokens issued to it;
 * one holding the scope gatehouse:revoke, any token. Unknown and invalid tokens change nothing (the RFC answers 200).
 */
import { CLOCK_TOLERANCE_SECONDS, type RevocationStore, type TokenVerifier } from '@gatehouse-auth/fastify'
import type { ClientRecord } from '../stores/clients.js'
import { accessClaimsOrNothing } from './introspection.js'

export const REVOKE_ANY_SCOPE = 'gatehouse:revoke'

export type RevocationOutcome =
  | { outcome: 'revoked', tokenType: 'access_token' | 'refresh_token' }
  | { outcome: 'refused', tokenType: 'access_token' | 'refresh_token' }
  | { outcome: 'unknown' }

export interface TokenRevocationOptions {
  verifier: TokenVerifier
  revocations: Pick<RevocationStore, 'revoke'>
  endSession: (sid: string) => Promise<void>
}

export function createTokenRevocation ({ verifier, revocations, endSession }: TokenRevocationOptions) {
  async function refreshClaimsOrNothing (token: string) {
    try {
      return await verifier.verifyRefresh(token)
    } catch (err) {
      if (err instanceof Error && 'statusCode' in err && err.statusCode === 401) return undefined
      throw err
    }
  }

  return async function revoke (client: ClientRecord, token: string): Promise<RevocationOutcome> {
    const mayRevokeAny = client.scopes.includes(REVOKE_ANY_SCOPE)
    const access = await accessClaimsOrNothing(verifier, token)
    if (access !== undefined) {
      const issuedToIt = access.sub === client.id || access.client_id === client.id
      if (!issuedToIt && !mayRevokeAny) return { outcome: 'refused', tokenType: 'access_token' }
      await revocations.revoke({ kind: 'token', id: access.jti, until: access.exp + CLOCK_TOLERANCE_SECONDS })
      return { outcome: 'revoked', tokenType: 'access_token' }
    }
    const refresh = await refreshClaimsOrNothing(token)
    if (refresh === undefined) return { outcome: 'unknown' }
    // A refresh token belongs to a user's session, never to a service client: only gatehouse:revoke may end it.
    if (!mayRevokeAny) return { outcome: 'refused', tokenType: 'refresh_token' }
    await endSession(refresh.sid)
    return { outcome: 'revoked', tokenType: 'refresh_token' }
  }
}
