/** Signs tokens with the ring's active key; one compiled signer per key, made on first use. */
import { createSigner } from 'fast-jwt'
import type { SigningKey } from '../keys/signing-key.js'
import type { AccessClaims, RefreshClaims } from '@gatehouse-auth/fastify'

export type TokenSigner = (claims: AccessClaims | RefreshClaims) => string

export function createTokenSigner (activeKey: () => SigningKey): TokenSigner {
  const signers = new Map<string, (payload: AccessClaims | RefreshClaims) => string>()
  return (claims) => {
    const key = activeKey()
    let sign = signers.get(key.kid)
    if (sign === undefined) {
      // The claims carry iat and exp already (the signer keeps a given iat); it adds the header's alg, kid and typ.
      sign = createSigner({ key: key.signWith, algorithm: key.alg, kid: key.kid })
      signers.set(key.kid, sign)
    }
    return sign(claims)
  }
}
