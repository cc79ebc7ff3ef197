/** The orders service: its routes, each declaring what it needs, behind gatehouse's verifier package. */
import Fastify, { type FastifyServerOptions } from 'fastify'
import gatehouseAuth, { type GatehouseAuthOptions } from '@gatehouse-auth/fastify'

const ORDERS = [
  { id: 'o-1001', item: 'lantern', quantity: 2 },
  { id: 'o-1002', item: 'rope, 20 m', quantity: 1 }
]

export async function buildOrdersService (auth: GatehouseAuthOptions, server: FastifyServerOptions = {}) {
  const app = Fastify(server)
  // Registered before the routes: each route's config.auth is checked as it is declared.
  await app.register(gatehouseAuth, auth)

  app.get('/health', { config: { auth: 'public' } }, async () => ({ status: 'ok' }))

  // Services (client-credentials tokens) that hold the orders:read scope.
  app.get('/orders', { config: { auth: { scopes: ['orders:read'] } } }, async (request) => {
    return { caller: request.requireClaims().sub, orders: ORDERS }
  })

  // Users with the admin role.
  app.get('/admin/report', { config: { auth: { roles: ['admin'] } } }, async (request) => {
    const claims = request.requireClaims()
    return { requested_by: claims.username ?? claims.sub, orders: ORDERS.length, items: ORDERS.reduce((sum, order) => sum + order.quantity, 0) }
  })

  return app
}
