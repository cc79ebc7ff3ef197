/** application/x-www-form-urlencoded bodies, which the OAuth token endpoint takes (RFC 6749 4.4.2). */
import fp from 'fastify-plugin'
import formbody from '@fastify/formbody'
import type { FastifyInstance } from 'fastify'

async function formbodyPlugin (fastify: FastifyInstance): Promise<void> {
  await fastify.register(formbody)
}

export default fp(formbodyPlugin, { name: 'formbody', fastify: '5.x' })
