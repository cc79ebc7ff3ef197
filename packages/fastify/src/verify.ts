/**
 * JWT verification that cannot be talked out of its settings: the algorithms of our own keys only, the key
 * chosen by kid from our own ring only (never from jku, x5u, x5c or jwk), iss, aud and exp required, a few
 * seconds of clock skew at most, and the token's type checked. Compiled once per key; each distinct token's
 * signature is checked once and cached until it would expire.
 */
import { createVerifier, TokenError } from 'fast-jwt'
import type { Algorithm } from './algorithms.js'
import { InvalidTokenError, TokenExpiredError } from './errors.js'
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

/** The header alone, to choose the key: fast-jwt then checks the whole token, header included, again. */
function readHeader (token: string): Record<string, unknown> {
  const dot = token.indexOf('.')
  let header: unknown
  try {
    header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'))
  } catch {
    throw new InvalidTokenError('The token header is not valid base64url serialized JSON')
  }
  if (dot <= 0 || typeof header !== 'object' || header === null || Array.isArray(header)) throw new InvalidTokenError('The token is malformed')
  return header as Record<string, unknown>
}

const sameMaterial = (a: string | Buffer, b: string | Buffer) => typeof a === 'string' || typeof b === 'string' ? a === b : a.equals(b)

/** fast-jwt's errors, as gatehouse's codes. */
function toAuthError (err: unknown): Error {
  if (err instanceof TokenError) {
    if (err.code === TokenError.codes.expired) return new TokenExpiredError()
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
  // One compiled verifier per key, given its key up front: fast-jwt then parses the key once and pins the key's
  // own algorithm. Only keys of our ring get one.
  const compiled = new Map<string, { key: VerificationKey, verify: (token: string) => unknown }>()
  const compile = (key: VerificationKey) => createVerifier({
    key: key.verifyWith,
    algorithms: [key.alg],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS * 1000,
    cache: false // verified tokens are cached below, by the token itself, for all keys at once
  })

  async function verifierFor (header: Record<string, unknown>) {
    const forged = FOREIGN_KEY_HEADERS.find((name) => name in header)
    if (forged !== undefined) throw new InvalidTokenError(`the ${forged} header is not accepted`)
    if (typeof header.kid !== 'string') throw new InvalidTokenError('no kid')
    if (typeof header.alg !== 'string' || !(options.algorithms as readonly string[]).includes(header.alg)) throw new InvalidTokenError('algorithm not accepted')
    const key = await options.findKey(header.kid)
    if (key === undefined) throw new InvalidTokenError('unknown kid')
    if (header.alg !== key.alg) throw new InvalidTokenError('algorithm does not match the key')
    let entry = compiled.get(header.kid)
    if (entry === undefined || entry.key.alg !== key.alg || !sameMaterial(entry.key.verifyWith, key.verifyWith)) {
      entry = { key, verify: compile(key) }
      compiled.set(header.kid, entry)
    }
    return entry.verify
  }

  // The hot path: a token seen before is answered from here, keyed by the token itself, without decoding its
  // header or hashing it for fast-jwt's cache. Bounded (oldest out first); an entry is used only until the
  // token's exp (plus the skew), exactly as long as a fresh verification would accept it.
  const cacheSize = options.cacheSize ?? 10_000
  const verified = new Map<string, { claims: unknown, usableUntilMs: number }>()

  async function claimsOf (token: string): Promise<unknown> {
    const hit = verified.get(token)
    if (hit !== undefined) {
      if (Date.now() <= hit.usableUntilMs) return hit.claims
      verified.delete(token)
    }
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('too large')
    const verify = await verifierFor(readHeader(token))
    let claims: unknown
    try {
      claims = verify(token)
    } catch (err) {
      throw toAuthError(err)
    }
    const exp = typeof claims === 'object' && claims !== null && 'exp' in claims && typeof claims.exp === 'number' ? claims.exp : 0
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value ?? '')
    verified.set(token, { claims, usableUntilMs: exp * 1000 + CLOCK_TOLERANCE_SECONDS * 1000 })
    return claims
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
