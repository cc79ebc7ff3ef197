/** `request.securityEvent(event, fields)`: one pino line with `event`, the request id, the client address and the actor. */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { SecurityEvent, SecurityEventFields } from '../../src/security-events.js'

declare module 'fastify' {
  interface FastifyRequest {
    securityEvent (event: SecurityEvent, fields?: SecurityEventFields): void
  }
  interface FastifyInstance {
    /** Called with each event's name, after its line is logged (metrics count them). */
    onSecurityEvent (listener: (event: SecurityEvent) => void): void
  }
}

async function securityEvents (fastify: FastifyInstance): Promise<void> {
  const listeners: Array<(event: SecurityEvent) => void> = []
  fastify.decorate('onSecurityEvent', (listener: (event: SecurityEvent) => void) => { listeners.push(listener) })
  fastify.decorateRequest('securityEvent', function (this: FastifyRequest, event: SecurityEvent, fields: SecurityEventFields = {}) {
    // The admin acting, when an admin route is the cause; the request logger adds reqId.
    const actor = this.claims === null ? {} : { actor_id: this.claims.sub }
    this.log.info({ event, ip: this.ip, ...actor, ...fields }, `security event ${event}`)
    for (const listener of listeners) listener(event)
  })
}

export default fp(securityEvents, { name: 'security-events', fastify: '5.x', dependencies: ['verifier'] })
