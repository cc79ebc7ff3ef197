/** CPU time a process has used so far (all its threads), from /proc: Linux only, null elsewhere. */
import { readFileSync } from 'node:fs'

// USER_HZ: the unit of /proc's utime and stime, 100 on every Linux architecture in use.
const TICKS_PER_SECOND = 100

export function cpuSeconds (pid) {
  let stat
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // The command name may hold spaces and parentheses: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND // utime, stime: fields 14 and 15 of stat
}
