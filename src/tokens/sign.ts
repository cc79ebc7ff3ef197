/** Signs tokens with the ring's active key; one compiled signer per key, made on first use. */
import { createSigner } from 'fast-jwt'
import type { SigningKey } from '../keys/signing-key.js'
import { ACCESS_TOKEN_TYP, API_KEY_TYP, REFRESH_TOKEN_TYP, type AccessClaims, type RefreshClaims } from '@gatehouse-auth/fastify'

const TYP = { access: ACCESS_TOKEN_TYP, api_key: API_KEY_TYP, refresh: REFRESH_TOKEN_TYP } as const

export type TokenSigner = (claims: AccessClaims | RefreshClaims) => string

export function createTokenSigner (activeKey: () => SigningKey): TokenSigner {
  const signers = new Map<string, (payload: AccessClaims | RefreshClaims) => string>()
  return (claims) => {
    const key = activeKey()
    const name = `${claims.type}:${key.kid}`
    let sign = signers.get(name)
    if (sign === undefined) {
      // The claims carry iat and exp already (the signer keeps a given iat); it adds the header's alg, kid and
      // typ: RFC 9068's at+jwt for access tokens, others for API keys and refresh tokens.
      sign = createSigner({ key: key.signWith, algorithm: key.alg, kid: key.kid, header: { alg: key.alg, typ: TYP[claims.type] } })
      signers.set(name, sign)
    }
    return sign(claims)
  }
}
