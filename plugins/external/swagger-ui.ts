/** The OpenAPI UI at /docs and the document at /docs/json: public, like the API description they show. */
import fp from 'fastify-plugin'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

async function docs (fastify: FastifyInstance): Promise<void> {
  // Encapsulated: declares exactly the routes swagger-ui adds as public, like every other route declares its need.
  await fastify.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: 'public' }
    })
    await scope.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  })
}

export default fp(docs, { name: 'swagger-ui', fastify: '5.x', dependencies: ['swagger'] })
