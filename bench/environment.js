/** Everything the scenarios run against: Redis, gatehouse and the bare server, and how to take them all down. */
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { ConfigSchema } from '../dist/src/config.js'
import { startPrivateRedis } from './private-redis.js'
import { startChildServer } from './child-server.js'
import { freePort } from './free-port.js'
import { deletePrefix } from './delete-prefix.js'

const root = new URL('..', import.meta.url)
const GATEHOUSE = fileURLToPath(new URL('dist/src/server.js', root))
const BARE = fileURLToPath(new URL('bench/bare-server.js', root))

export const admin = { username: 'bench-admin', password: `bench ${randomBytes(12).toString('hex')}` }

/**
 * gatehouse's defaults plus what the bench needs: a variable from the caller's shell (JWT_ISSUER,
 * ACCESS_TOKEN_TTL, JWT_ALGORITHM) would no longer match the tokens the bench signs itself.
 */
function gatehouseEnv (redisUrl, prefix) {
  const inherited = Object.entries(process.env).filter(([name]) => !(name in ConfigSchema.properties))
  return {
    ...Object.fromEntries(inherited),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    COOKIE_SECURE: 'false', // plain http on 127.0.0.1
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    // The login scenario signs in thousands of times from one address: throttling would measure the limiter.
    LOGIN_MAX_FAILURES_PER_IP: '1000000',
    LOGIN_MAX_FAILURES_PER_USERNAME: '1000000'
  }
}

/** `cpuProfile`: `{ dir, server: 'gatehouse' | 'bare' }` starts that server under --cpu-prof, writing to dir on exit. */
export async function startEnvironment ({ cpuProfile } = {}) {
  const nodeArgs = (server) => cpuProfile?.server === server ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfile.dir}`] : []
  const cleanups = []
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(`cleanup: ${err.message}`))
    cleanups.length = 0
  }
  const killers = []
  try {
    const shared = process.env.REDIS_URL
    let redisUrl = shared
    if (shared === undefined || shared === '') {
      const server = await startPrivateRedis()
      cleanups.push(server.stop)
      killers.push(server.kill)
      redisUrl = server.url
    }
    // A prefix of our own even on a private server: on a shared one it is what lets us delete only our keys.
    const prefix = `gatehouse-bench:${randomBytes(6).toString('hex')}:`
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
    cleanups.push(async () => {
      if (redisUrl === shared) await deletePrefix(redis, prefix)
      redis.disconnect()
    })

    const gatehouse = await startChildServer({
      name: 'gatehouse', script: GATEHOUSE, nodeArgs: nodeArgs('gatehouse'), env: gatehouseEnv(redisUrl, prefix), port: await freePort(), readyPath: '/health/ready'
    })
    cleanups.push(gatehouse.stop)
    killers.push(gatehouse.kill)
    const bare = await startChildServer({
      name: 'bare fastify', script: BARE, nodeArgs: nodeArgs('bare'), env: process.env, port: await freePort(), readyPath: '/health/ready'
    })
    cleanups.push(bare.stop)
    killers.push(bare.kill)
    return { redis, redisUrl, prefix, sharedRedis: redisUrl === shared, gatehouse, bare, stop, kill: () => killers.forEach((kill) => kill()) }
  } catch (err) {
    await stop()
    throw err
  }
}
