/** A Lua script run by its SHA1, sent whole only when Redis does not have it cached (NOSCRIPT). */
import { createHash } from 'node:crypto'

export interface ScriptRunner {
  evalsha (sha: string, keyCount: number, ...keysAndArgs: Array<string | number>): Promise<unknown>
  eval (script: string, keyCount: number, ...keysAndArgs: Array<string | number>): Promise<unknown>
}

export type Script = (redis: ScriptRunner, keys: string[], args: Array<string | number>) => Promise<unknown>

export function defineScript (source: string): Script {
  const sha = createHash('sha1').update(source).digest('hex')
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args)
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
      return await redis.eval(source, keys.length, ...keys, ...args)
    }
  }
}
