/**
 * `fastify.authenticateClient(request, reply, form)`: who is calling an OAuth endpoint (/auth/token, /auth/introspect,
 * /auth/revoke), by HTTP Basic or form fields (RFC 6749 2.3.1), with the same throttle on failures as sign-in and the
 * same security event; the client's record, or OAUTH_INVALID_CLIENT (with a Basic challenge when Basic was tried).
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { readClientCredentials } from '../../src/oauth/client-authentication.js'
import { clientSecretMatches } from '../../src/admin/client-secrets.js'
import type { ClientRecord } from '../../src/stores/clients.js'
import { OAuthInvalidClientError } from '../../src/errors.js'

export interface ClientForm { client_id?: string, client_secret?: string }

declare module 'fastify' {
  interface FastifyInstance {
    authenticateClient (request: FastifyRequest, reply: FastifyReply, form: ClientForm): Promise<ClientRecord>
  }
}

async function clientAuthentication (fastify: FastifyInstance): Promise<void> {
  const { store } = fastify
  fastify.decorate('authenticateClient', async (request: FastifyRequest, reply: FastifyReply, form: ClientForm) => {
    // RFC 6749 5.2: a client that tried HTTP Basic gets a Basic challenge with its 401, also for malformed credentials.
    if (/^Basic\b/i.test(request.headers.authorization ?? '')) reply.header('www-authenticate', 'Basic realm="gatehouse", Bearer realm="gatehouse"')
    const { clientId, clientSecret } = readClientCredentials(request.headers.authorization, form)
    try {
      // Counted per address and per client id *from this address*, never per client id alone: ids are not
      // secret (every service token carries one), so a per-id limit would let anyone lock a service out.
      const client = await fastify.loginThrottle.guard(request, reply, `client:${clientId}@${request.ip}`, async () => {
        const found = await store.clients.findById(clientId)
        // The secret is compared even for an unknown id (against a decoy), so both answers take the same time.
        if (!clientSecretMatches(found?.secretHash, clientSecret) || found === undefined) throw new OAuthInvalidClientError('unknown client or wrong secret')
        return found
      }, (err) => err instanceof OAuthInvalidClientError)
      reply.removeHeader('www-authenticate')
      return client
    } catch (err) {
      if (err instanceof OAuthInvalidClientError) request.securityEvent('client.authentication_failed', { client_id: clientId })
      throw err
    }
  })
}

export default fp(clientAuthentication, { name: 'client-authentication', fastify: '5.x', dependencies: ['stores', 'login-throttle', 'security-events'] })
