/**
 * `npm run bench`: gatehouse beside bare Fastify on one machine, in one run.
 * `npm run bench -- --profile[=scenario]`: one scenario (the bearer dashboard by default) under --cpu-prof.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { settings } from './settings.js'
import { startEnvironment } from './environment.js'
import { runSuite } from './suite.js'
import { profileScenario, profileTarget } from './profile-run.js'
import { printReport } from './report.js'
import { formatCpuProfile, summariseCpuProfile } from './cpu-profile.js'
import { machine, writeResults } from './results-file.js'
import { machineBusyShare } from './machine-load.js'

const profileArg = process.argv.slice(2).find((arg) => arg === '--profile' || arg.startsWith('--profile='))
const profile = profileArg === undefined ? undefined : profileTarget(profileArg.split('=')[1])
const started = Date.now()
const log = (message) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`)

async function redisVersion (redis) {
  return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown'
}

// Before anything of ours runs: work already there means the cores are shared and the rates understated.
const BUSY = 0.25
const busyBefore = await machineBusyShare()
const cpuProfile = profile === undefined ? undefined : { dir: mkdtempSync(join(tmpdir(), 'gatehouse-bench-prof-')), server: profile.server }
log(`starting Redis, gatehouse and bare Fastify${profile === undefined ? '' : ` (${profile.server} under --cpu-prof)`}`)
if (cpuProfile !== undefined) process.once('exit', () => rmSync(cpuProfile.dir, { recursive: true, force: true }))
const env = await startEnvironment({ cpuProfile })

// Whatever happens to this process, its children must not outlive it.
process.once('exit', () => env.kill())
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { env.kill(); process.exit(130) })
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${settings.watchdogSeconds} s; stopping`)
  env.kill()
  process.exit(1)
}, settings.watchdogSeconds * 1000)
watchdog.unref()

let outcome
let version
try {
  version = await redisVersion(env.redis)
  outcome = profile === undefined ? await runSuite(env, settings, log) : await profileScenario(env, settings, log, profile)
} finally {
  // Stopping gatehouse gracefully is also what makes --cpu-prof write the profile.
  log('stopping the servers')
  await env.stop()
}

const context = { date: new Date().toISOString(), machine: { ...machine(), redis: version, busyAtStart: busyBefore }, settings, sharedRedis: env.sharedRedis }
if (busyBefore > BUSY) outcome.notes.push(`other work kept the cores ${Math.round(busyBefore * 100)} % busy at start: rates are understated`)
if (profile === undefined) {
  printReport(outcome)
  const { rows, references, goals, notes, tokenCount } = outcome
  log(`wrote ${writeResults('latest.json', { ...context, tokenCount, scenarios: rows, references, goals, notes })}`)
} else {
  const { name, requestsPerSecond, latencyMs, serverCpuMicrosPerRequest: cpu, notes, window } = outcome
  const summary = summariseCpuProfile(cpuProfile.dir, { window })
  console.log(`\n${name}: ${Math.round(requestsPerSecond)} req/s, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, ${cpu === null ? '?' : Math.round(cpu)} µs of server CPU per request\n`)
  console.log(formatCpuProfile(summary))
  for (const note of notes) console.log(`note: ${note}`)
  log(`wrote ${writeResults('profile.json', { ...context, scenario: outcome, profile: summary })}`)
}
log('done')
