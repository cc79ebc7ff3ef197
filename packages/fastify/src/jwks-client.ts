/**
 * A JWKS client for services that verify gatehouse's tokens: the public keys of one configured URL, by kid,
 * cached as the endpoint's Cache-Control allows (within bounds). A kid it does not know makes it look again at
 * most once per cooldown, so forged kids cannot turn it against the endpoint; while the endpoint is down or
 * answers garbage it keeps the keys it has. Until its first fetch succeeds it retries with backoff, and lookups
 * answer SERVICE_UNAVAILABLE (503): a service that cannot know the keys yet refuses, it does not call tokens bad.
 * A key only ever comes from that URL, never from a token.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto'
import { isAsymmetric, keyFitsAlgorithm } from './algorithms.js'
import { ServiceUnavailableError } from './errors.js'
import type { VerificationKey } from './verify.js'

export interface JwksClientOptions {
  url: string
  /** Least time between two fetches made for unknown kids, and after a failed fetch once keys are known. */
  cooldownMs?: number
  /** Bounds on how long a fetched key set is used before the next lookup refreshes it (from max-age). */
  minCacheMs?: number
  maxCacheMs?: number
  timeoutMs?: number
  /** Until the first fetch succeeds, retries start this far apart and double up to maxRetryMs. */
  firstRetryMs?: number
  maxRetryMs?: number
  /** Told of every failed fetch, with when the next attempt comes (undefined once keys are known). */
  onFetchError?: (error: Error, retryInMs: number | undefined) => void
  fetch?: typeof globalThis.fetch
  now?: () => number
}

export interface JwksClient {
  /**
   * The key of this kid from the URL, or undefined; may fetch (see the module comment). Throws SERVICE_UNAVAILABLE
   * while no key set has ever been fetched: nothing can be verified yet, and that is not the token's fault.
   */
  find (kid: string): Promise<VerificationKey | undefined>
  /** Fetches now; rejects when the fetch fails, keeping the keys it had. */
  refresh (): Promise<void>
  /** Fetches in the background until the first success, backing off; find() works without it, only later. */
  start (): void
  close (): void
  /** Why the last fetch failed; undefined once one succeeds. */
  readonly lastError: Error | undefined
}

const MAX_JWKS_BYTES = 1024 * 1024

/** A JWK as a verification key; undefined for anything that is not a public signature key of a known algorithm. */
export function verificationKeyOf (jwk: Record<string, unknown>, alg: unknown = jwk.alg): VerificationKey | undefined {
  if (!isAsymmetric(alg) || jwk.kty === 'oct' || 'd' in jwk) return undefined
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return undefined
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    if (!keyFitsAlgorithm(key, alg)) return undefined
    return { alg, verifyWith: key.export({ type: 'spki', format: 'pem' }).toString() }
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
  const { url, cooldownMs = 30_000, minCacheMs = 60_000, maxCacheMs = 86_400_000, timeoutMs = 5_000, firstRetryMs = 500, maxRetryMs = 10_000 } = options
  const fetch = options.fetch ?? globalThis.fetch
  const now = options.now ?? Date.now
  let keys = new Map<string, VerificationKey>()
  let fetched = false // a key set has been fetched at least once
  let staleAt = 0
  let lastAttempt = -Infinity
  let lastMissFetch = -Infinity
  let lastError: Error | undefined
  let pending: Promise<void> | undefined
  // Before the first success: the backoff between attempts, and the background retry.
  let retryMs = firstRetryMs
  let nextRetryAt = -Infinity
  let retryTimer: NodeJS.Timeout | undefined
  let started = false
  let closed = false

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

  function failed (err: unknown): Error {
    lastError = err instanceof Error ? err : new Error(String(err))
    let retryIn: number | undefined
    if (!fetched) {
      retryIn = retryMs
      nextRetryAt = now() + retryMs
      retryMs = Math.min(maxRetryMs, retryMs * 2)
      scheduleRetry(retryIn)
    }
    options.onFetchError?.(lastError, retryIn)
    return lastError
  }

  function scheduleRetry (delay: number): void {
    if (!started || closed || retryTimer !== undefined) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      if (!fetched) refresh().catch(() => {}) // a failure schedules the next attempt
    }, delay)
    retryTimer.unref()
  }

  /** One fetch at a time: concurrent callers share it. */
  async function refresh (): Promise<void> {
    pending ??= load().catch((err: unknown) => { throw failed(err) }).finally(() => { pending = undefined })
    await pending
  }

  // Once keys are known, after a failed fetch none again before the cooldown: the cached keys serve meanwhile.
  // Before that, the backoff decides: the first success must come soon after gatehouse does.
  const mayFetch = () => fetched ? lastError === undefined || now() - lastAttempt >= cooldownMs : now() >= nextRetryAt
  const due = () => (!fetched || now() >= staleAt) && mayFetch()

  return {
    async find (kid) {
      let looked = false
      if (pending !== undefined || due()) {
        await refresh().catch(() => {})
        looked = true
      }
      if (!fetched) throw new ServiceUnavailableError(`the JWKS at ${url} has not been fetched yet (${lastError?.message ?? 'fetching'})`)
      const key = keys.get(kid)
      if (key !== undefined || looked || now() - lastMissFetch < cooldownMs || !mayFetch()) return key
      lastMissFetch = now()
      await refresh().catch(() => {})
      return keys.get(kid)
    },
    refresh,
    start () {
      started = true
      if (!fetched && pending === undefined) refresh().catch(() => {})
    },
    close () {
      closed = true
      clearTimeout(retryTimer)
    },
    get lastError () { return lastError }
  }
}
