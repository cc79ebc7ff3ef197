/** User and client administration, and the client credentials grant, on the configured store. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createUserAdmin, type UserAdmin } from '../../src/admin/users.js'
import { createClientAdmin, type ClientAdmin } from '../../src/admin/clients.js'
import { createSessionRevoker } from '../../src/sessions/revoke.js'
import { createClientCredentialsGrant } from '../../src/oauth/client-credentials.js'

declare module 'fastify' {
  interface FastifyInstance {
    userAdmin: UserAdmin
    clientAdmin: ClientAdmin
    clientCredentials: ReturnType<typeof createClientCredentialsGrant>
  }
}

async function administration (fastify: FastifyInstance): Promise<void> {
  const { config, store } = fastify
  const revoker = createSessionRevoker(store, config.REFRESH_TOKEN_TTL)
  fastify.decorate('userAdmin', createUserAdmin(store.users, revoker))
  fastify.decorate('clientAdmin', createClientAdmin(store.clients, revoker))
  fastify.decorate('clientCredentials', createClientCredentialsGrant(fastify.tokens.sign, {
    issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, accessTtl: config.ACCESS_TOKEN_TTL, refreshTtl: config.REFRESH_TOKEN_TTL
  }))
}

export default fp(administration, { name: 'administration', fastify: '5.x', dependencies: ['stores', 'tokens'] })
