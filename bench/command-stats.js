/** Redis's own count of the commands it has run (INFO commandstats), to measure what each request costs. */
import { setTimeout as sleep } from 'node:timers/promises'

// Our own probes are INFO calls: leaving them out keeps the count to what the servers under test asked for.
const OWN_COMMANDS = new Set(['info'])

export async function commandCount (redis) {
  const info = await redis.info('commandstats')
  let total = 0
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim())
    if (match !== null && !OWN_COMMANDS.has(match[1])) total += Number(match[2])
  }
  return total
}

/**
 * Waits until the count stops moving: a request still running on the server after the load generator
 * hung up (a login in argon2) would otherwise land its commands in the next scenario.
 */
export async function settle (redis, { quietMs = 200, maxMs = 5000 } = {}) {
  const deadline = Date.now() + maxMs
  let last = await commandCount(redis)
  while (Date.now() < deadline) {
    await sleep(quietMs)
    const now = await commandCount(redis)
    if (now === last) return
    last = now
  }
}

/**
 * Commands Redis runs while the servers are idle (gatehouse reloads its key ring on a timer), over at least
 * `seconds`, doing `work` meanwhile: a per-request figure can then be read against what no request caused.
 */
export async function measureBackground (redis, seconds, work) {
  const started = performance.now()
  const before = await commandCount(redis)
  const result = await work()
  const left = seconds * 1000 - (performance.now() - started)
  if (left > 0) await sleep(left)
  const commands = await commandCount(redis) - before
  const elapsed = (performance.now() - started) / 1000
  return { result, background: { commands, seconds: elapsed, perSecond: commands / elapsed } }
}
