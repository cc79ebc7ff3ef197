/**
 * JWT verification that cannot be talked out of its settings: the algorithms of our own keys only, the key
 * chosen by kid from our own ring only (never from jku, x5u, x5c or jwk), iss, aud and exp required, a few
 * seconds of clock skew at most, and the token's type checked. Compiled once; each distinct token's
 * signature is checked once and cached until it would expire.
 */
import { createVerifier, TokenError } from 'fast-jwt'
import type { Algorithm } from '../algorithms.js'
import { InvalidTokenError, TokenExpiredError } from '../errors.js'
import { accessClaimsChecker, refreshClaimsChecker, type AccessClaims, type RefreshClaims } from './claims.js'

export const CLOCK_TOLERANCE_SECONDS = 5
export const MAX_TOKEN_LENGTH = 8192

// Header parameters that name a key by value or by URL: we never issue them, so a token carrying one is forged.
const FOREIGN_KEY_HEADERS = ['jku', 'jwk', 'x5u', 'x5c']

export interface VerificationKey {
  alg: Algorithm
  verifyWith: string | Buffer
}

export interface VerifierOptions {
  /** Our own keys only; may look further (a JWKS refetch) for a kid it does not know yet. */
  findKey: (kid: string) => VerificationKey | undefined | Promise<VerificationKey | undefined>
  algorithms: readonly Algorithm[]
  issuer: string
  audience: string
  cacheSize?: number
}

export interface TokenVerifier {
  verifyAccess (token: string): Promise<AccessClaims>
  verifyRefresh (token: string): Promise<RefreshClaims>
}

function keyFor (findKey: VerifierOptions['findKey']) {
  return async ({ header }: { header: Record<string, unknown> }) => {
    const forged = FOREIGN_KEY_HEADERS.find((name) => name in header)
    if (forged !== undefined) throw new InvalidTokenError(`the ${forged} header is not accepted`)
    if (typeof header.kid !== 'string') throw new InvalidTokenError('no kid')
    const key = await findKey(header.kid)
    if (key === undefined) throw new InvalidTokenError('unknown kid')
    if (header.alg !== key.alg) throw new InvalidTokenError('algorithm does not match the key')
    return key.verifyWith
  }
}

/** fast-jwt's errors, as gatehouse's codes. */
function toAuthError (err: unknown): Error {
  if (err instanceof TokenError) {
    if (err.code === TokenError.codes.expired) return new TokenExpiredError()
    const ours: unknown = err.originalError
    if (ours instanceof Error && 'code' in ours && ours.code === 'AUTH_INVALID_TOKEN') return ours
    return new InvalidTokenError(err.message.replace(/\.$/, ''))
  }
  return err instanceof Error ? err : new InvalidTokenError('unreadable')
}

/** A token issued later than now (beyond the skew) was not issued by us: our clocks are the issuer's. */
function notFromTheFuture<T extends { iat: number }> (claims: T): T {
  if (claims.iat > Math.floor(Date.now() / 1000) + CLOCK_TOLERANCE_SECONDS) throw new InvalidTokenError('issued in the future')
  return claims
}

export function createTokenVerifier (options: VerifierOptions): TokenVerifier {
  const verify = createVerifier({
    key: keyFor(options.findKey),
    algorithms: [...options.algorithms],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS * 1000,
    cache: options.cacheSize ?? 10_000
  })

  async function claimsOf (token: string): Promise<unknown> {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('too large')
    try {
      return await verify(token)
    } catch (err) {
      throw toAuthError(err)
    }
  }

  return {
    async verifyAccess (token) {
      const claims = await claimsOf(token)
      if (!accessClaimsChecker.Check(claims)) throw new InvalidTokenError('not an access token')
      return notFromTheFuture(claims)
    },
    async verifyRefresh (token) {
      const claims = await claimsOf(token)
      if (!refreshClaimsChecker.Check(claims)) throw new InvalidTokenError('not a refresh token')
      return notFromTheFuture(claims)
    }
  }
}
