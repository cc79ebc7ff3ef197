/** Access tokens signed in the bench process, claim for claim as gatehouse issues them, each one distinct. */
import { randomUUID } from 'node:crypto'
import { createTokenSigner } from '../dist/src/tokens/sign.js'

// gatehouse's defaults: JWT_ISSUER, JWT_AUDIENCE and ACCESS_TOKEN_TTL are not set for the server under test.
const ISSUER = 'gatehouse'
const AUDIENCE = 'gatehouse'
const ACCESS_TTL = 15 * 60

/** `count` tokens for `user`, each with its own jti and sid, so no verification cache can answer for another. */
export function mintAccessTokens (signingKey, user, count) {
  // gatehouse's own signer: fast-jwt's createSigner with the key's alg and kid in the header.
  const sign = createTokenSigner(() => signingKey)
  const iat = Math.floor(Date.now() / 1000)
  const tokens = new Array(count)
  for (let i = 0; i < count; i++) {
    tokens[i] = sign({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: user.id,
      iat,
      exp: iat + ACCESS_TTL,
      jti: randomUUID(),
      type: 'access',
      roles: user.roles,
      sid: randomUUID(),
      username: user.username,
      fresh: false
    })
  }
  return tokens
}
