/** Real-browser test support: Chromium, gatehouse in a child process, and tiny pages on other origins. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import { runServer } from '../support/process.js'

const CHROMIUM = '/usr/bin/chromium'
// Headless, and quiet: no sync, updates or QUIC probes competing with the requests under test.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync']

/** One browser per test file; each test opens its own context (its own cookie jar). */
export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 15_000 })
}

/** Settles with the promise, or rejects naming `what` once `ms` have passed. */
export async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms) })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

export interface Gatehouse {
  url: string
  stop (): Promise<void>
}

/** gatehouse as `npm start` runs it, on a free port; fails with its output if it exits or stays silent. */
export async function startGatehouse (env: Record<string, string>): Promise<Gatehouse> {
  const server = runServer(env)
  const stop = async () => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return
    server.child.kill('SIGTERM')
    await within(server.exited, 10_000, 'gatehouse shutdown').catch(() => { server.child.kill('SIGKILL') })
  }
  const exited = server.exited.then((code) => { throw new Error(`gatehouse exited (${code}) before listening:\n${server.output()}`) })
  exited.catch(() => {}) // once it listens, exiting is how it ends
  try {
    const url = await within(Promise.race([server.listening, exited]), 20_000, 'gatehouse start')
    return { url, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

export interface PageServer {
  origin: string
  close (): Promise<void>
}

/** A page on another origin (another port of 127.0.0.1): the browser app whose script calls gatehouse. */
export async function startPageServer (title: string): Promise<PageServer> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo // listening on TCP: address() is an AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)) }
  }
}
