/** Starts the orders service against a running gatehouse; configuration from the environment. */
import { buildOrdersService } from './app.js'

const env = process.env
const gatehouseUrl = (env.GATEHOUSE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')

const app = await buildOrdersService({
  jwksUrl: `${gatehouseUrl}/.well-known/jwks.json`,
  issuer: env.JWT_ISSUER ?? 'gatehouse',
  audience: env.JWT_AUDIENCE ?? 'gatehouse',
  // With gatehouse's Redis, a logout or revocation is refused here at once; without it, only when the token expires.
  ...(env.REDIS_URL === undefined || env.REDIS_URL === '' ? {} : { redis: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX ?? 'gatehouse:' })
}, { logger: { level: env.LOG_LEVEL ?? 'info' } })

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
}

await app.listen({ host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 3001) })
