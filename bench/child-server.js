/** A server under test in its own process, so it has a core to itself while the load generator has the other. */
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

const OUTPUT_TAIL = 4096

async function waitForReady (url, child, output, name) {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}: ${output()}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      if (response.status === 200) return
    } catch {}
    await sleep(100)
  }
  throw new Error(`${name} was not ready at ${url} within 30 s: ${output()}`)
}

/** Starts `node <nodeArgs> <script>` with `env` (the whole environment), and resolves once GET `readyPath` answers 200. */
export async function startChildServer ({ name, script, nodeArgs = [], env, port, readyPath }) {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  // Both streams (pino logs to stdout), and only the tail: enough to explain a failure without holding a
  // long run's warnings in memory.
  let tail = ''
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8')
    stream.on('data', (chunk) => { tail = (tail + chunk).slice(-OUTPUT_TAIL) })
  }
  const output = () => tail.trim() || '(no output)'
  const exited = new Promise((resolve) => child.once('exit', resolve))
  let stopping = false

  const stop = async () => {
    stopping = true
    if (child.exitCode !== null || child.signalCode !== null) return
    // SIGTERM: a graceful exit, which is also when --cpu-prof writes its profile.
    child.kill('SIGTERM')
    const forced = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(forced)
  }
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitForReady(`${baseUrl}${readyPath}`, child, output, name)
  } catch (err) {
    await stop()
    throw err
  }
  /** Throws when the server has gone without being asked to: its numbers would be the load generator's errors. */
  const assertRunning = () => {
    if (stopping || (child.exitCode === null && child.signalCode === null)) return
    throw new Error(`${name} exited during the run (${child.exitCode === null ? child.signalCode : `code ${child.exitCode}`}): ${output()}`)
  }
  return { name, baseUrl, pid: child.pid, output, stop, assertRunning, kill: () => child.kill('SIGKILL') }
}
