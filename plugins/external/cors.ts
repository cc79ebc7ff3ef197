/** CORS with credentials for browser apps on the origins listed in CORS_ORIGINS, and for no other. */
import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'

async function corsPlugin (fastify: FastifyInstance): Promise<void> {
  const listed = fastify.config.CORS_ORIGINS ?? []
  if (listed.length === 0) return // no CORS at all: same-origin pages only
  const allowed = new Set(listed)

  // @fastify/cors adds a global onRequest hook and an `OPTIONS *` route, so it must not be encapsulated the way
  // swagger-ui is. Only routes added while it registers (that OPTIONS route) are declared public; every later
  // route still declares its own need. The route answers preflights from listed origins before any auth check.
  let registering = true
  fastify.addHook('onRoute', (route) => {
    if (registering) route.config = { ...route.config, auth: 'public' }
  })
  await fastify.register(cors, {
    // A function, not the array: @fastify/cors would still send Allow-Credentials and, to preflights, the
    // allowed methods and headers to origins not in an array. false leaves the reply without any CORS header.
    origin: (origin, callback) => { callback(null, origin !== undefined && allowed.has(origin)) },
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'X-CSRF-Token'],
    exposedHeaders: ['Retry-After'], // so an app can say when a rate-limited sign-in may be tried again
    maxAge: 600,
    // Any OPTIONS from a listed origin is answered as a preflight, never with @fastify/cors's text/plain 400.
    strictPreflight: false
  })
  registering = false
}

export default fp(corsPlugin, { name: 'cors', fastify: '5.x' })
