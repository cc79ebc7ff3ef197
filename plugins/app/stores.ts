/** Opens the store the configuration chooses (Redis, or the embedded SQLite file) and closes it with the app. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { openServiceStore, type ServiceStore } from '../../src/stores/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    store: ServiceStore
  }
}

async function stores (fastify: FastifyInstance): Promise<void> {
  const store = await openServiceStore(fastify.config, fastify.redis)
  fastify.decorate('store', store)
  fastify.addHook('onClose', async () => await store.close())
  fastify.log.info({ mode: store.mode }, store.mode === 'redis' ? 'store: Redis' : `store: SQLite in ${fastify.config.DATA_DIR}`)
}

export default fp(stores, { name: 'stores', fastify: '5.x', dependencies: ['redis'] })
