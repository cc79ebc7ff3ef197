/**
 * The revocations that can still matter, held in memory, so a protected request checks them without I/O.
 * Writes go to the store first (the truth, from which the view can always be rebuilt), then into the view.
 * With a feed (Redis pub/sub), revocations made by other instances arrive within milliseconds; while the
 * feed is down or the view not yet (re)loaded, the view may have missed one, so every check fails closed.
 */
import type { Revocation, RevocationStore, RevocationTarget } from './revocations.js'
import { ServiceUnavailableError } from '../errors.js'
import { epochSeconds } from '../ids.js'

/** Where other instances' revocations come from. `onUp` is awaited before the view trusts itself again. */
export interface RevocationFeed {
  start (handlers: { onRevocation (revocation: Revocation): void, onDown (): void, onUp (): Promise<void> }): Promise<void>
  close (): Promise<void>
}

export interface RevocationView extends RevocationStore {
  readonly ready: boolean
  readonly size: number
  /** Seconds since the view was last known to be in sync (0 while it is). */
  readonly lagSeconds: number
  start (): Promise<void>
  close (): Promise<void>
}

const keyOf = ({ kind, id }: RevocationTarget) => `${kind}:${id}`

export function createRevocationView (inner: RevocationStore, feed?: RevocationFeed, pruneIntervalMs = 60_000): RevocationView {
  const until = new Map<string, number>()
  let ready = false
  let downSince: number | undefined
  let reloading: Promise<void> | undefined

  const apply = (revocation: Revocation) => {
    const key = keyOf(revocation)
    if ((until.get(key) ?? 0) < revocation.until) until.set(key, revocation.until)
  }

  // Revocations that arrive during a reload are applied as they come; the loaded list is merged, never swapped in.
  async function reload (): Promise<void> {
    for (const revocation of await inner.listActive()) apply(revocation)
    ready = true
    downSince = undefined
  }

  const pruner = setInterval(() => {
    const now = epochSeconds()
    for (const [key, expiry] of until) if (expiry <= now) until.delete(key)
  }, pruneIntervalMs)
  pruner.unref()

  return {
    get ready () { return ready },
    get size () { return until.size },
    get lagSeconds () { return downSince === undefined ? 0 : Math.max(0, epochSeconds() - downSince) },

    async start () {
      if (feed === undefined) return await reload()
      await feed.start({
        onRevocation: apply,
        onDown: () => {
          ready = false
          downSince ??= epochSeconds()
        },
        onUp: async () => {
          reloading = reload()
          try { await reloading } finally { reloading = undefined }
        }
      })
    },

    async revoke (revocation) {
      await inner.revoke(revocation) // the store first: if this fails, nothing claims a revocation that is not kept
      apply(revocation) // then here at once, not after the feed's round trip
    },

    async isRevoked (targets) {
      if (!ready) throw new ServiceUnavailableError('revocations are not in sync with the store')
      const now = epochSeconds()
      return targets.some((target) => (until.get(keyOf(target)) ?? 0) > now)
    },

    listActive: async () => await inner.listActive(),

    async close () {
      clearInterval(pruner)
      ready = false
      await reloading?.catch(() => {})
      await feed?.close()
    }
  }
}
