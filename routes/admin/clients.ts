/** /admin/clients: manage service clients (role admin). The secret is shown once, at creation. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ClientReply, CreateClientBody, CreatedClientReply, IdParams, PageQuery, pageOf } from '../../src/schemas/admin.js'
import { ErrorReply } from '../../src/schemas/error.js'

const admin = { auth: { roles: ['admin'] } }
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 503: ErrorReply }

const toReply = (client: { id: string, name: string, scopes: string[], createdAt: string }) => ({ client_id: client.id, name: client.name, scopes: client.scopes, created_at: client.createdAt })

const clients: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/clients', {
    config: admin,
    schema: {
      tags: ['admin'],
      summary: 'List service clients, a page at a time',
      querystring: PageQuery,
      response: { 200: Type.Object({ clients: Type.Array(ClientReply), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors }
    }
  }, async (request) => {
    const page = pageOf(await fastify.clientAdmin.list(request.query.limit + 1, request.query.cursor), request.query.limit)
    return { clients: page.items.map(toReply), next_cursor: page.next_cursor }
  })

  fastify.post('/clients', {
    config: admin,
    schema: { tags: ['admin'], summary: 'Register a service client; the answer holds its secret, shown this once', body: CreateClientBody, response: { 201: CreatedClientReply, ...errors } }
  }, async (request, reply) => {
    const { client, secret } = await fastify.clientAdmin.create(request.body)
    request.securityEvent('client.created', { target_client_id: client.id })
    return reply.code(201).header('cache-control', 'no-store').send({ ...toReply(client), client_secret: secret })
  })

  fastify.delete('/clients/:id', {
    config: admin,
    schema: { tags: ['admin'], summary: 'Remove a client; its tokens stop working at once', params: IdParams, response: { 204: Type.Null(), ...errors } }
  }, async (request, reply) => {
    await fastify.clientAdmin.remove(request.params.id)
    request.securityEvent('client.deleted', { target_client_id: request.params.id })
    return reply.code(204).send(null)
  })
}

export default clients
