/**
 * A private redis-server for this test process (temp dir, free port, no persistence), or the Redis of
 * REDIS_URL when one is given. Tests work under their own key prefix and delete only those keys.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

export interface PrivateRedis {
  url: string
  port: number
  stop (): Promise<void>
  start (): Promise<void>
  /** Sends a signal to the server process: SIGSTOP freezes it (connections stay open, nothing answers), SIGCONT resumes. */
  signal (signal: NodeJS.Signals): void
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function waitForPong (url: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on('error', () => {})
    try {
      await probe.connect()
      if ((await probe.ping()) === 'PONG') return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      probe.disconnect()
    }
  }
  throw new Error(`redis-server at ${url} did not answer within 5 s`)
}

/**
 * Starts a redis-server that this process owns; stop() ends it, start() brings it back on the same port.
 * Persistent ones keep an append-only file and stop gracefully, so a restart finds their data.
 */
export async function startRedisServer ({ persistent = false } = {}): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-redis-'))
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  const server: PrivateRedis = {
    url,
    port,
    async start () {
      const persistence = persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir], { stdio: 'ignore' })
      child.unref() // the server must not keep the test process alive; the exit handler kills it
      await waitForPong(url)
    },
    signal (signal) {
      child?.kill(signal)
    },
    async stop () {
      const running = child
      child = undefined
      if (running === undefined || running.exitCode !== null) return
      running.ref() // until it has exited: a teardown awaiting this must not see the process end first
      await new Promise((resolve) => { running.once('exit', resolve); running.kill('SIGCONT'); running.kill(persistent ? 'SIGTERM' : 'SIGKILL') })
    }
  }
  await server.start()
  process.once('exit', () => { child?.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }) })
  return server
}

let shared: Promise<string> | undefined

/** The Redis URL tests use: REDIS_URL when set, else one private server per test process. */
export async function testRedisUrl (): Promise<string> {
  const given = process.env.REDIS_URL
  if (given !== undefined && given !== '') return given
  shared ??= startRedisServer().then((server) => server.url)
  return await shared
}

/** A key prefix no other test uses. */
export function testPrefix (): string {
  return `gatehouse-test:${randomBytes(6).toString('hex')}:`
}

/** Deletes the keys under a test's prefix, and nothing else. */
export async function deletePrefix (url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  try {
    // Hash tags put braces in our keys; SCAN's pattern needs them escaped along with glob characters.
    const pattern = `${prefix.replace(/[*?[\]\\{}]/g, '\\$&')}*`
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
      if (keys.length > 0) await redis.unlink(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
