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
  /** A retired key: it no longer signs, so it verifies only tokens issued (iat) at or before this epoch second. */
  issuedBefore?: number
}

/** RFC 9068: the header `typ` of an access token. Refresh tokens carry another, so no verifier takes one for the other. */
export const ACCESS_TOKEN_TYP = 'at+jwt'
export const REFRESH_TOKEN_TYP = 'refresh+jwt'
/** An API key is `ghk_` and a JWT of this typ: the prefix lets secret scanners find leaked keys. */
export const API_KEY_TYP = 'apikey+jwt'
export const API_KEY_PREFIX = 'ghk_'

/** The `aud` of refresh tokens: the issuer's refresh endpoint, never the access audience a service checks. */
export function refreshAudienceOf (issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/auth/refresh`
}

export interface VerifierOptions {
  /** Our own keys only; may look further (a JWKS refetch) for a kid it does not know yet. */
  findKey: (kid: string) => VerificationKey | undefined | Promise<VerificationKey | undefined>
  algorithms: readonly Algorithm[]
  issuer: string
  audience: string
  /** gatehouse itself: also verify refresh tokens (their aud is refreshAudienceOf(issuer)). */
  refreshTokens?: boolean
  /**
   * A transition: tokens of the format before RFC 9068 typing (header typ JWT, refresh tokens with the access aud)
   * pass when issued (iat) at or before this epoch second. Unset: never.
   */
  untypedIssuedBefore?: number
  cacheSize?: number
}

export interface TokenVerifier {
  verifyAccess (token: string): Promise<AccessClaims>
  verifyRefresh (token: string): Promise<RefreshClaims>
  /** How many verified tokens the cache holds (at most `cacheSize`). */
  readonly cachedTokens: number
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
  const refreshAudience = refreshAudienceOf(options.issuer)
  const compile = (key: VerificationKey) => createVerifier({
    key: key.verifyWith,
    algorithms: [key.alg],
    allowedIss: options.issuer,
    allowedAud: options.refreshTokens === true ? [options.audience, refreshAudience] : options.audience,
    complete: true, // the header too: its typ tells an access token from a refresh token
    requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS * 1000,
    cache: false // verified tokens are cached below, by the token itself, for all keys at once
  })

  async function verifierFor (header: Record<string, unknown>): Promise<{ key: VerificationKey, verify: (token: string) => unknown }> {
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
    return { key, verify: entry.verify }
  }

  // The hot path: a token seen before is answered from here, keyed by the token itself, without decoding its
  // header or hashing it for fast-jwt's cache. Bounded (oldest out first); an entry is used only until the
  // token's exp (plus the skew), exactly as long as a fresh verification would accept it, and only while the key
  // that verified it is still the one the lookup answers for its kid: a key that leaves the ring stops at once.
  const cacheSize = options.cacheSize ?? 10_000
  const verified = new Map<string, { claims: unknown, typ: string, kid: string, iat: number, key: VerificationKey, usableUntilMs: number }>()

  /** The key still verifies this token: the lookup answers the same key for its kid, and has not retired it since. */
  function stillValid (entry: { iat: number, key: VerificationKey }, current: VerificationKey | undefined): boolean {
    return current !== undefined && current.alg === entry.key.alg && sameMaterial(current.verifyWith, entry.key.verifyWith) &&
      (current.issuedBefore === undefined || entry.iat <= current.issuedBefore)
  }

  async function claimsOf (token: string): Promise<{ claims: unknown, typ: string }> {
    const hit = verified.get(token)
    if (hit !== undefined) {
      // A lookup that answers at once (a key ring in memory) costs no await on this path.
      const found = Date.now() <= hit.usableUntilMs ? options.findKey(hit.kid) : undefined
      const current = found instanceof Promise ? await found : found
      if (stillValid(hit, current)) return hit
      verified.delete(token)
    }
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('too large')
    const header = readHeader(token)
    const { key, verify } = await verifierFor(header)
    let claims: unknown
    try {
      claims = (verify(token) as { payload: unknown }).payload
    } catch (err) {
      throw toAuthError(err)
    }
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : ''
    // fast-jwt required both claims; typeof narrows them without a cast.
    const exp = typeof claims === 'object' && claims !== null && 'exp' in claims && typeof claims.exp === 'number' ? claims.exp : 0
    const iat = typeof claims === 'object' && claims !== null && 'iat' in claims && typeof claims.iat === 'number' ? claims.iat : Infinity
    if (key.issuedBefore !== undefined && iat > key.issuedBefore) throw new InvalidTokenError('signed by a retired key after it was retired')
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value ?? '')
    const entry = { claims, typ, kid: String(header.kid), iat, key, usableUntilMs: exp * 1000 + CLOCK_TOLERANCE_SECONDS * 1000 }
    verified.set(token, entry)
    return entry
  }

  /** Of the format before RFC 9068 typing, and issued before the transition ends. */
  const untypedAllowed = (typ: string, claims: { iat: number }) =>
    (typ === '' || typ === 'jwt') && options.untypedIssuedBefore !== undefined && claims.iat <= options.untypedIssuedBefore
  const audienceIs = (aud: string | string[], wanted: string) => Array.isArray(aud) ? aud.includes(wanted) : aud === wanted

  return {
    get cachedTokens () { return verified.size },
    async verifyAccess (token) {
      // An API key: the prefix, a JWT of its own typ, claims of type api_key; any other mix is refused.
      const apiKey = token.startsWith(API_KEY_PREFIX)
      const { claims, typ } = await claimsOf(apiKey ? token.slice(API_KEY_PREFIX.length) : token)
      if (!accessClaimsChecker.Check(claims) || !audienceIs(claims.aud, options.audience)) throw new InvalidTokenError('not an access token')
      if (apiKey) {
        if (typ !== API_KEY_TYP || claims.type !== 'api_key' || claims.fresh || claims.sid !== undefined) throw new InvalidTokenError('not an API key')
      } else if (claims.type !== 'access' || (typ !== ACCESS_TOKEN_TYP && !untypedAllowed(typ, claims))) {
        throw new InvalidTokenError('not an access token')
      }
      return notFromTheFuture(claims)
    },
    async verifyRefresh (token) {
      const { claims, typ } = await claimsOf(token)
      if (!refreshClaimsChecker.Check(claims)) throw new InvalidTokenError('not a refresh token')
      const current = typ === REFRESH_TOKEN_TYP && audienceIs(claims.aud, refreshAudience)
      if (options.refreshTokens !== true || (!current && !(untypedAllowed(typ, claims) && audienceIs(claims.aud, options.audience)))) {
        throw new InvalidTokenError('not a refresh token')
      }
      return notFromTheFuture(claims)
    }
  }
}
