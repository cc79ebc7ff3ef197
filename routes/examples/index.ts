/** The seed tutorial's protected routes (any signed-in user, admins only), and a scope-guarded one for services. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { SessionUserReply, sessionUserOf } from '../../src/schemas/session.js'
import { ErrorReply } from '../../src/schemas/error.js'

const DashboardReply = Type.Object({ logged_in_as: SessionUserReply })
const AdminPanelReply = Type.Object({ msg: Type.String() })
const InventoryReply = Type.Object({ caller: Type.String(), items: Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Integer() })) })

const examples: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/dashboard', {
    config: { auth: {} },
    schema: { tags: ['examples'], summary: 'Who is signed in (the tutorial\'s @jwt_required route)', response: { 200: DashboardReply, 401: ErrorReply, 503: ErrorReply } }
  }, async (request) => ({ logged_in_as: sessionUserOf(request.requireClaims()) }))

  fastify.get('/admin-panel', {
    config: { auth: { roles: ['admin'] } },
    schema: { tags: ['examples'], summary: 'Admins only (the tutorial\'s role check)', response: { 200: AdminPanelReply, 401: ErrorReply, 403: ErrorReply, 503: ErrorReply } }
  }, async () => ({ msg: 'Welcome, admin!' }))

  fastify.get('/inventory', {
    config: { auth: { scopes: ['inventory:read'] } },
    schema: { tags: ['examples'], summary: 'A service-to-service route: needs a token with scope inventory:read', response: { 200: InventoryReply, 401: ErrorReply, 403: ErrorReply, 503: ErrorReply } }
  }, async (request) => ({ caller: request.requireClaims().sub, items: [{ sku: 'gh-001', quantity: 12 }, { sku: 'gh-002', quantity: 0 }] }))
}

export default examples
