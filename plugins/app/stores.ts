/** Opens the store REDIS_URL chooses (Redis, or the embedded SQLite file) and closes it with the app. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { openStore, type Store } from '../../src/stores/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
  }
}

async function stores (fastify: FastifyInstance): Promise<void> {
  const store = openStore(fastify.config, fastify.redis)
  fastify.decorate('store', store)
  fastify.addHook('onClose', async () => await store.close())
  fastify.log.info({ mode: store.mode }, store.mode === 'redis' ? 'store: Redis' : `store: SQLite in ${fastify.config.DATA_DIR}`)
}

export default fp(stores, { name: 'stores', fastify: '5.x', dependencies: ['redis'] })
