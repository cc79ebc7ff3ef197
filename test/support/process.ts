/** Runs src/server.ts in a child process, as `npm start` would run its compiled form. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url))

export interface ServerProcess {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
  /** Resolves with the listening URL once the log says so. */
  listening: Promise<string>
}

export function runServer (env: Record<string, string>): ServerProcess {
  // The parent's execArgv carries the TypeScript loader (and coverage) of the test runner.
  const child = spawn(process.execPath, [...process.execArgv, SERVER], {
    env: { PATH: process.env.PATH ?? '', ...testRunnerEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  let announce: (url: string) => void = () => {}
  const listening = new Promise<string>((resolve) => { announce = resolve })
  const collect = (chunk: Buffer) => {
    output += String(chunk)
    const match = /Server listening at (http:\/\/[^"\s]+)/.exec(output)
    if (match?.[1] !== undefined) announce(match[1])
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => output, exited, listening }
}

/** The variables tap's loaders and coverage read in the child. */
function testRunnerEnv (): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => {
    const [name, value] = entry
    return value !== undefined && /^(TAP|_TAPJS|TS_NODE|NODE_OPTIONS)/.test(name)
  }))
}
