/** Polling with a deadline, for what another process or instance does a moment later: never a fixed sleep. */

/** Polls `check` until it holds or `ms` pass; answers how long it took (ms), or -1. */
export async function within (ms: number, check: () => Promise<boolean> | boolean): Promise<number> {
  const started = Date.now()
  while (Date.now() - started <= ms) {
    if (await check()) return Date.now() - started
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return -1
}
