/**
 * The revocations that can still matter, held in memory, so a protected request checks them without I/O.
 * Writes go to the store first (the truth, from which the view can always be rebuilt), then into the view.
 * With a feed (Redis pub/sub), revocations made by other instances arrive within milliseconds; while the
 * feed is down or the view not yet (re)loaded, the view may have missed one, so every check fails closed.
 */
import { epochSeconds, type Revocation, type RevocationKind, type RevocationStore } from './targets.js'
import { ServiceUnavailableError } from '../errors.js'

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

export function createRevocationView (inner: RevocationStore, feed?: RevocationFeed, pruneIntervalMs = 60_000): RevocationView {
  // One map per kind, keyed by the bare id: no key strings to build on the hot path or to keep in memory.
  const until: Record<RevocationKind, Map<string, number>> = { session: new Map(), subject: new Map(), token: new Map() }
  let ready = false
  let downSince: number | undefined
  let reloading: Promise<void> | undefined

  const apply = ({ kind, id, until: expiry }: Revocation) => {
    const map = until[kind]
    if ((map.get(id) ?? 0) < expiry) map.set(id, expiry)
  }

  // Revocations that arrive during a reload are applied as they come; the loaded list is merged, never swapped in.
  async function reload (): Promise<void> {
    for (const revocation of await inner.listActive()) apply(revocation)
    ready = true
    downSince = undefined
  }

  const pruner = setInterval(() => {
    const now = epochSeconds()
    for (const map of Object.values(until)) for (const [id, expiry] of map) if (expiry <= now) map.delete(id)
  }, pruneIntervalMs)
  pruner.unref()

  return {
    get ready () { return ready },
    get size () { return until.session.size + until.subject.size + until.token.size },
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
      return targets.some(({ kind, id }) => (until[kind].get(id) ?? 0) > now)
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
