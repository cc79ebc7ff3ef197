/**
 * The key ring as the service uses it: reloaded from the store every few seconds and whenever a token names a
 * kid it does not know (at most once a second), so a rotation on any instance, or by the CLI, reaches every
 * instance within seconds, while a request never waits on the store for a key it already has.
 */
import type { KeyRing } from './key-ring.js'
import type { SigningKey } from './signing-key.js'

export interface LiveKeyRing extends Omit<KeyRing, 'find'> {
  /** A key of the ring, at once; on a miss, a promise: it reloads once (rate-limited) and looks again. */
  find (kid: string): SigningKey | undefined | Promise<SigningKey | undefined>
  reload (): Promise<void>
  close (): void
}

export function createLiveKeyRing (initial: KeyRing, load: () => Promise<KeyRing>, reloadIntervalMs = 5000, missCooldownMs = 1000): LiveKeyRing {
  let ring = initial
  let lastMissReload = 0
  let reloading: Promise<void> | undefined

  async function reload (): Promise<void> {
    reloading ??= load().then((next) => { ring = next }).finally(() => { reloading = undefined })
    await reloading
  }

  const timer = setInterval(() => { reload().catch(() => {}) }, reloadIntervalMs) // a failed reload keeps the ring it has
  timer.unref()

  return {
    get active () { return ring.active },
    get jwks () { return ring.jwks },
    find (kid) {
      const key = ring.find(kid)
      if (key !== undefined || Date.now() - lastMissReload < missCooldownMs) return key
      lastMissReload = Date.now()
      return reload().catch(() => {}).then(() => ring.find(kid))
    },
    reload,
    close: () => clearInterval(timer)
  }
}
