/** Cookie parsing and setting. Cookies are not signed here: the tokens they carry are. */
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'

async function cookiePlugin (fastify: FastifyInstance): Promise<void> {
  await fastify.register(cookie)
}

export default fp(cookiePlugin, { name: 'cookie', fastify: '5.x' })
