/**
 * Authorization: every route declares `config.auth` ('public', or { roles, scopes, fresh }), checked when
 * the route is registered, so a route that forgets stops the app from starting.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { routeAuthChecker, type RouteAuth } from '../../src/schemas/route-auth.js'
import { MissingTokenError } from '../../src/errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
}

async function authorization (fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onRoute', (route) => {
    const auth: unknown = route.config?.auth
    if (!routeAuthChecker.Check(auth)) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method
      const problem = auth === undefined ? 'declares no config.auth' : 'has an invalid config.auth'
      throw new Error(`${methods} ${route.url} ${problem}: use 'public' or { roles?, scopes?, fresh? }`)
    }
  })

  fastify.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth
    if (auth === undefined || auth === 'public') return
    // Token verification is not wired yet: protected routes refuse every request (fail closed).
    throw new MissingTokenError()
  })
}

export default fp(authorization, { name: 'authorization', fastify: '5.x' })
