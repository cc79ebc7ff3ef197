/**
 * Embedded mode's login counters, in memory, as a store for @fastify/rate-limit (its custom-store interface:
 * incr, read, child). The plugin's own LocalStore is an LRU of 5,000 keys, so a flood of failures on other names
 * pushes a victim's count out and hands it back its full allowance. Here a full store first forgets the counts
 * whose window has passed, then the smallest counts: a flood of single failures only displaces itself, and a
 * count that matters (a victim's, an attacker's) stays.
 */

type Reply = (err: Error | null, result: { current: number, ttl: number }) => void

export interface RateLimitStore {
  incr (key: string, reply: Reply, timeWindow: number): void
  read (key: string, reply: Reply, timeWindow: number): void
  child (): RateLimitStore
}

interface Counter { count: number, windowStartMs: number, windowMs: number }

export function createMemoryRateLimitStore (maxKeys: number, now: () => number = Date.now): new () => RateLimitStore {
  const counters = new Map<string, Counter>()
  const live = (counter: Counter, at: number) => counter.windowStartMs + counter.windowMs > at

  /** Room for one more key: passed windows go first, then as many of the smallest counts as it takes. */
  function makeRoom (at: number): void {
    for (const [key, counter] of counters) if (!live(counter, at)) counters.delete(key)
    if (counters.size < maxKeys) return
    let smallest = Infinity
    for (const counter of counters.values()) smallest = Math.min(smallest, counter.count)
    for (const [key, counter] of counters) {
      if (counters.size < maxKeys) return
      if (counter.count === smallest) counters.delete(key)
    }
  }

  class MemoryRateLimitStore implements RateLimitStore {
    incr (key: string, reply: Reply, timeWindow: number): void {
      const at = now()
      const counter = counters.get(key)
      if (counter !== undefined && live(counter, at)) {
        counter.count++
        return reply(null, { current: counter.count, ttl: counter.windowStartMs + counter.windowMs - at })
      }
      if (counter === undefined && counters.size >= maxKeys) makeRoom(at)
      counters.set(key, { count: 1, windowStartMs: at, windowMs: timeWindow })
      reply(null, { current: 1, ttl: timeWindow })
    }

    read (key: string, reply: Reply): void {
      const at = now()
      const counter = counters.get(key)
      if (counter === undefined || !live(counter, at)) return reply(null, { current: 0, ttl: 0 })
      reply(null, { current: counter.count, ttl: counter.windowStartMs + counter.windowMs - at })
    }

    child (): RateLimitStore {
      return this
    }
  }
  return MemoryRateLimitStore
}
