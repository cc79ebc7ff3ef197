/** A redis-server owned by this run: temp dir, free port, 127.0.0.1 only, no persistence. */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { freePort } from './free-port.js'

async function waitForPong (url, child) {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`)
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on('error', () => {})
    try {
      await probe.connect()
      if (await probe.ping() === 'PONG') return
    } catch {
      await sleep(50)
    } finally {
      probe.disconnect()
    }
  }
  throw new Error(`redis-server at ${url} did not answer within 5 s`)
}

export async function startPrivateRedis () {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-redis-'))
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir
  ], { stdio: 'ignore' })
  const spawned = new Promise((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', (err) => reject(new Error(`cannot start redis-server (${err.code}): install it, or set REDIS_URL`)))
  })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Nothing to keep: the data dies with the run, so there is no graceful shutdown to wait for.
      await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGKILL') })
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await spawned
    await waitForPong(url, child)
  } catch (err) {
    await stop()
    throw err
  }
  return { url, pid: child.pid, stop, kill: () => child.kill('SIGKILL') }
}
