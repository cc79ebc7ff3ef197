/** The operator CLI as a separate process, as an operator runs it beside a running service. */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Mode, TestLocation } from './stores.js'

const CLI = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url))

export interface CliResult { code: number | null, stdout: string, stderr: string }

/** `extra`: more environment, such as REDIS_SENTINELS for a CLI on a Sentinel topology. */
export async function gatehouseCli (mode: Mode, location: TestLocation, args: string[], stdin = '', extra: Record<string, string> = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: location.dataDir, REDIS_PREFIX: location.prefix, REDIS_URL: mode === 'redis' ? location.redisUrl : undefined, ...extra }
  // The parent's execArgv carries the TypeScript loader of the test runner.
  const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => { stdout += String(chunk) })
  child.stderr.on('data', (chunk) => { stderr += String(chunk) })
  child.stdin.end(stdin)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, stdout, stderr }
}
