/** /admin/users: manage users (role admin). Passwords and hashes never leave: the reply schemas have no such field. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { UserReply } from '../../src/schemas/user.js'
import { CreateUserBody, IdParams, PageQuery, RevokedSessionsReply, UpdateUserBody, pageOf } from '../../src/schemas/admin.js'
import { ErrorReply } from '../../src/schemas/error.js'
import { SessionListReply, sessionListReply } from '../../src/schemas/sessions.js'
import { ApiKeyListReply, apiKeyListReply } from '../../src/schemas/api-keys.js'
import { NotFoundError } from '../../src/errors.js'

const admin = { auth: { roles: ['admin'] } }
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 503: ErrorReply }

interface StoredUser { id: string, username: string, roles: string[], disabled: boolean, createdAt: string, updatedAt: string }
const toReply = (user: StoredUser) => ({ id: user.id, username: user.username, roles: user.roles, disabled: user.disabled, created_at: user.createdAt, updated_at: user.updatedAt })

const users: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/users', {
    config: admin,
    schema: {
      tags: ['admin'],
      summary: 'List users in creation order, a page at a time',
      querystring: PageQuery,
      response: { 200: Type.Object({ users: Type.Array(UserReply), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors }
    }
  }, async (request) => {
    const page = pageOf(await fastify.userAdmin.list(request.query.limit + 1, request.query.cursor), request.query.limit)
    return { users: page.items.map(toReply), next_cursor: page.next_cursor }
  })

  fastify.post('/users', {
    config: admin,
    schema: { tags: ['admin'], summary: 'Create a user', body: CreateUserBody, response: { 201: UserReply, ...errors } }
  }, async (request, reply) => {
    const user = await fastify.userAdmin.create({ ...request.body, roles: request.body.roles ?? [] })
    request.securityEvent('user.created', { target_user_id: user.id })
    return reply.code(201).send(toReply(user))
  })

  fastify.get('/users/:id', {
    config: admin,
    schema: { tags: ['admin'], summary: 'One user', params: IdParams, response: { 200: UserReply, ...errors } }
  }, async (request) => toReply(await fastify.userAdmin.find(request.params.id)))

  fastify.patch('/users/:id', {
    config: admin,
    schema: {
      tags: ['admin'],
      summary: 'Change a user\'s password, roles or status',
      description: 'A new password, other roles or disabling revokes the user\'s sessions at once. The last enabled admin cannot be demoted or disabled (409 LAST_ADMIN).',
      params: IdParams,
      body: UpdateUserBody,
      response: { 200: UserReply, ...errors }
    }
  }, async (request) => {
    const user = await fastify.userAdmin.update(request.params.id, request.body)
    request.securityEvent('user.updated', { target_user_id: user.id, changes: Object.keys(request.body) })
    return toReply(user)
  })

  fastify.delete('/users/:id', {
    config: admin,
    schema: { tags: ['admin'], summary: 'Delete a user and revoke its sessions', params: IdParams, response: { 204: Type.Null(), ...errors } }
  }, async (request, reply) => {
    await fastify.userAdmin.remove(request.params.id)
    request.securityEvent('user.deleted', { target_user_id: request.params.id })
    return reply.code(204).send(null)
  })

  fastify.get('/users/:id/sessions', {
    config: admin,
    schema: { tags: ['admin'], summary: 'List the live sessions of a user, newest first', params: IdParams, response: { 200: SessionListReply, ...errors } }
  }, async (request, reply) => {
    await fastify.userAdmin.find(request.params.id) // 404 for an unknown user, not an empty list
    reply.header('cache-control', 'no-store')
    return sessionListReply(await fastify.sessions.listSessions(request.params.id), request.claims?.sid)
  })

  fastify.get('/users/:id/api-keys', {
    config: admin,
    schema: { tags: ['admin'], summary: 'List the API keys of a user (never the keys themselves)', params: IdParams, response: { 200: ApiKeyListReply, ...errors } }
  }, async (request) => {
    await fastify.userAdmin.find(request.params.id) // 404 for an unknown user, not an empty list
    return apiKeyListReply(await fastify.apiKeys.list(request.params.id))
  })

  fastify.delete('/users/:id/api-keys/:keyId', {
    config: admin,
    schema: { tags: ['admin'], summary: 'Revoke an API key of a user', params: Type.Object({ id: IdParams.properties.id, keyId: IdParams.properties.id }), response: { 204: Type.Null(), ...errors } }
  }, async (request, reply) => {
    if (!await fastify.apiKeys.revoke(request.params.id, request.params.keyId)) throw new NotFoundError('API key')
    request.securityEvent('api_key.revoked', { target_user_id: request.params.id, api_key_id: request.params.keyId })
    return reply.code(204).send(null)
  })

  fastify.delete('/users/:id/sessions', {
    config: admin,
    schema: { tags: ['admin'], summary: 'Revoke every session of a user', params: IdParams, response: { 200: RevokedSessionsReply, ...errors } }
  }, async (request) => {
    const count = await fastify.userAdmin.revokeSessions(request.params.id)
    request.securityEvent('user.sessions_revoked', { target_user_id: request.params.id, count })
    return { revoked_sessions: count }
  })
}

export default users
