/** How busy the machine's cores are right now, from the kernel's per-core time counters over a short window. */
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'

function totals () {
  let busy = 0
  let all = 0
  for (const { times } of cpus()) {
    const sum = times.user + times.nice + times.sys + times.irq + times.idle
    all += sum
    busy += sum - times.idle
  }
  return { busy, all }
}

/** The share (0 to 1) of all cores' time spent on work over `ms`, this process's included. */
export async function machineBusyShare (ms = 1000) {
  const before = totals()
  await sleep(ms)
  const after = totals()
  return (after.busy - before.busy) / Math.max(1, after.all - before.all)
}
