/** A Lua script run by its SHA1, sent whole only when Redis does not have it cached (NOSCRIPT). */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

export type Script = (redis: Redis, keys: string[], args: Array<string | number>) => Promise<unknown>

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
