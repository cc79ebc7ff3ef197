/** One scenario's load: an autocannon warm-up, then the measured run, with the server CPU and Redis commands it cost. */
import autocannon from 'autocannon'
import { commandCount, settle } from './command-stats.js'
import { cpuSeconds } from './process-cpu.js'

async function fire (options, seconds) {
  return await autocannon({ ...options, duration: seconds })
}

/** What the requests asked of Redis: the count, less what gatehouse's timers ran in the same time. */
function redisCost (commands, seconds, requests, background) {
  if (commands === null) return { redisCommands: null, redisCommandsPerRequest: null }
  const timers = background === undefined ? 0 : background.perSecond * seconds
  const net = Math.max(0, commands - timers)
  return { redisCommands: commands, redisTimerCommands: timers, redisNetCommands: net, redisCommandsPerRequest: requests === 0 ? null : net / requests }
}

/**
 * `options` are autocannon's (url, method, headers, body, requests); `server` is the child under load, whose
 * CPU time is read; `redis`, when given, is counted, and `background` (commands per second with no load)
 * subtracted. Returns the measured run's rates, latencies, CPU and Redis cost, and failures.
 */
export async function measure ({ options, server, redis, settings, background }) {
  const base = { connections: settings.connections, pipelining: settings.pipelining, timeout: 10 }
  await fire({ ...base, ...options }, settings.warmup)
  let before
  if (redis !== undefined) {
    await settle(redis)
    before = await commandCount(redis)
  }
  // The monotonic clock V8's profiles use too, so a --cpu-prof profile can be cut to exactly this run.
  const start = Number(process.hrtime.bigint() / 1000n)
  const cpuBefore = cpuSeconds(server.pid)
  const result = await fire({ ...base, ...options }, settings.duration)
  const cpuAfter = cpuSeconds(server.pid)
  const end = Number(process.hrtime.bigint() / 1000n)
  server.assertRunning()
  // Read at once: what requests still in flight do next belongs to no counted response.
  const commands = redis === undefined ? null : await commandCount(redis) - before
  const requests = result.requests.total
  return {
    requestsPerSecond: result.requests.average,
    requests,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    // CPU per request moves less than req/s when other work shares the machine, and shows a server that idles.
    serverCpuMicrosPerRequest: cpuBefore === null || cpuAfter === null || requests === 0 ? null : ((cpuAfter - cpuBefore) * 1e6) / requests,
    serverCpuShare: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / ((end - start) / 1e6),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...redisCost(commands, (end - start) / 1e6, requests, background),
    window: { start, end }
  }
}
