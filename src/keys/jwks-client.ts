/**
 * A JWKS client for services that verify gatehouse's tokens: the public keys of one configured URL, by kid,
 * cached as the endpoint's Cache-Control allows (within bounds). A kid it does not know makes it look again at
 * most once per cooldown, so forged kids cannot turn it against the endpoint; while the endpoint is down or
 * answers garbage it keeps the keys it has. A key only ever comes from that URL, never from a token.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import { ASYMMETRIC_ALGORITHMS, keyRequirement, MINIMUM_RSA_BITS, type Algorithm } from '../algorithms.js'
import type { VerificationKey } from '../tokens/verify.js'

export type AsymmetricAlgorithm = typeof ASYMMETRIC_ALGORITHMS[number]

export interface JwksClientOptions {
  url: string
  /** Least time between two fetches made for unknown kids, and after a failed fetch. */
  cooldownMs?: number
  /** Bounds on how long a fetched key set is used before the next lookup refreshes it (from max-age). */
  minCacheMs?: number
  maxCacheMs?: number
  timeoutMs?: number
  fetch?: typeof globalThis.fetch
  now?: () => number
}

export interface JwksClient {
  /** The key of this kid from the URL, or undefined; may fetch (see the module comment). */
  find (kid: string): Promise<VerificationKey | undefined>
  /** Fetches now; rejects when the fetch fails, keeping the keys it had. */
  refresh (): Promise<void>
  /** Why the last fetch failed; undefined once one succeeds. */
  readonly lastError: Error | undefined
}

const MAX_JWKS_BYTES = 1024 * 1024

function isAsymmetric (alg: unknown): alg is AsymmetricAlgorithm {
  return (ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(alg)
}

/** Whether a public key is of the type (and curve, and size) its algorithm signs with: a mismatch is refused. */
export function keyFitsAlgorithm (key: KeyObject, alg: AsymmetricAlgorithm): boolean {
  const wanted = keyRequirement(alg)
  const details = key.asymmetricKeyDetails ?? {}
  if (wanted.type === 'rsa') return key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= MINIMUM_RSA_BITS
  return key.asymmetricKeyType === wanted.type && details.namedCurve === wanted.namedCurve
}

/** A JWK as a verification key; undefined for anything that is not a public signature key of a known algorithm. */
export function verificationKeyOf (jwk: Record<string, unknown>, alg: unknown = jwk.alg): VerificationKey | undefined {
  if (!isAsymmetric(alg) || jwk.kty === 'oct' || 'd' in jwk) return undefined
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return undefined
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    if (!keyFitsAlgorithm(key, alg)) return undefined
    return { alg: alg satisfies Algorithm, verifyWith: key.export({ type: 'spki', format: 'pem' }).toString() }
  } catch {
    return undefined // not a key node:crypto can read
  }
}

/** The usable keys of a JWKS document by kid; a kid listed twice is ambiguous, so it is dropped. */
function parseKeySet (document: unknown): Map<string, VerificationKey> {
  const keys: unknown = typeof document === 'object' && document !== null ? (document as { keys?: unknown }).keys : undefined
  if (!Array.isArray(keys)) throw new Error('the JWKS has no keys array')
  const found = new Map<string, VerificationKey>()
  const duplicated = new Set<string>()
  for (const jwk of keys) {
    if (typeof jwk !== 'object' || jwk === null) continue
    const kid: unknown = (jwk as { kid?: unknown }).kid
    if (typeof kid !== 'string' || kid === '') continue
    const key = verificationKeyOf(jwk as Record<string, unknown>)
    if (key === undefined) continue
    if (found.has(kid)) duplicated.add(kid)
    found.set(kid, key)
  }
  for (const kid of duplicated) found.delete(kid)
  return found
}

/** Cache-Control max-age in ms, or undefined. */
function maxAgeOf (cacheControl: string | null): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl ?? '')
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1000
}

/** The body, refusing more than `limit` bytes: a misconfigured URL must not fill the heap. */
async function readLimited (response: Response, limit: number): Promise<string> {
  if (response.body === null) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.byteLength
    if (size > limit) throw new Error(`the JWKS is larger than ${limit} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export function createJwksClient (options: JwksClientOptions): JwksClient {
  const { url, cooldownMs = 30_000, minCacheMs = 60_000, maxCacheMs = 86_400_000, timeoutMs = 5_000 } = options
  const fetch = options.fetch ?? globalThis.fetch
  const now = options.now ?? Date.now
  let keys = new Map<string, VerificationKey>()
  let fetched = false // a key set has been fetched at least once
  let staleAt = 0
  let lastAttempt = -Infinity
  let lastMissFetch = -Infinity
  let lastError: Error | undefined
  let pending: Promise<void> | undefined

  async function load (): Promise<void> {
    lastAttempt = now()
    // redirect: 'error': the configured URL is the only source of keys, not wherever it points to.
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } })
    if (!response.ok) throw new Error(`the JWKS endpoint answered ${response.status}`)
    const next = parseKeySet(JSON.parse(await readLimited(response, MAX_JWKS_BYTES)))
    const maxAge = maxAgeOf(response.headers.get('cache-control')) ?? minCacheMs
    keys = next
    fetched = true
    staleAt = now() + Math.min(maxCacheMs, Math.max(minCacheMs, maxAge))
    lastError = undefined
  }

  /** One fetch at a time: concurrent callers share it. */
  async function refresh (): Promise<void> {
    pending ??= load().catch((err: unknown) => {
      lastError = err instanceof Error ? err : new Error(String(err))
      throw lastError
    }).finally(() => { pending = undefined })
    await pending
  }

  // After a failed fetch, none again before the cooldown: the cached keys serve meanwhile.
  const mayFetch = () => lastError === undefined || now() - lastAttempt >= cooldownMs
  const due = () => (!fetched || now() >= staleAt) && mayFetch()

  return {
    async find (kid) {
      let looked = false
      if (pending !== undefined || due()) {
        await refresh().catch(() => {})
        looked = true
      }
      const key = keys.get(kid)
      if (key !== undefined || looked || now() - lastMissFetch < cooldownMs || !mayFetch()) return key
      lastMissFetch = now()
      await refresh().catch(() => {})
      return keys.get(kid)
    },
    refresh,
    get lastError () { return lastError }
  }
}
