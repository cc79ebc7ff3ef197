/**
 * Prometheus metrics on a port of their own (METRICS_PORT; off when unset), so they are never public by
 * accident. Labels are route templates, methods, statuses and event names: never ids, usernames or tokens.
 */
import { createServer, type Server } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    /** The metrics server's address once listening, e.g. http://127.0.0.1:9100; null when metrics are off. */
    metricsUrl: () => string | null
  }
}

function createMetrics (fastify: FastifyInstance): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const labelNames = ['method', 'route', 'status'] as const
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] })
  const duration = new Histogram({
    name: 'http_request_duration_seconds', help: 'Time to answer', labelNames, registers: [registry], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
  })
  const events = new Counter({ name: 'gatehouse_security_events_total', help: 'Security events: login, refresh, reuse detected, logout, admin changes', labelNames: ['event'], registers: [registry] })
  const { store, redis } = fastify
  new Gauge({ name: 'gatehouse_revocation_view_entries', help: 'Revocations held in the local view', registers: [registry], collect () { this.set(store.revocations.size) } }) // eslint-disable-line no-new
  new Gauge({ name: 'gatehouse_revocation_view_in_sync', help: '1 while the local view is in sync with the store, else 0 (protected routes answer 503)', registers: [registry], collect () { this.set(store.revocations.ready ? 1 : 0) } }) // eslint-disable-line no-new
  new Gauge({ name: 'gatehouse_revocation_view_lag_seconds', help: 'Seconds since the view was last in sync (0 while it is)', registers: [registry], collect () { this.set(store.revocations.lagSeconds) } }) // eslint-disable-line no-new
  new Gauge({ name: 'gatehouse_redis_connected', help: '1 while the Redis connection is ready (Redis mode only)', registers: [registry], collect () { this.set(redis?.status === 'ready' ? 1 : 0) } }) // eslint-disable-line no-new

  fastify.addHook('onResponse', async (request, reply) => {
    // The route template (/admin/users/:id), never the URL with its ids; unmatched requests share one label.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
  })
  fastify.onSecurityEvent((event) => events.inc({ event }))
  return registry
}

function metricsServer (registry: Registry): Server {
  return createServer((request, response) => {
    if (request.url !== '/metrics' || request.method !== 'GET') {
      response.writeHead(404).end()
      return
    }
    registry.metrics().then((text) => {
      response.writeHead(200, { 'content-type': registry.contentType }).end(text)
    }, () => response.writeHead(500).end())
  })
}

async function metrics (fastify: FastifyInstance): Promise<void> {
  const port = fastify.config.METRICS_PORT
  const server = port === undefined ? undefined : metricsServer(createMetrics(fastify))
  fastify.decorate('metricsUrl', () => {
    const address = server?.address()
    return typeof address === 'object' && address !== null ? `http://${fastify.config.METRICS_HOST}:${address.port}` : null
  })
  if (server === undefined) return
  fastify.addHook('onReady', async () => await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, fastify.config.METRICS_HOST, () => resolve())
  }))
  fastify.addHook('onClose', async () => await new Promise<void>((resolve) => server.close(() => resolve())))
}

export default fp(metrics, { name: 'metrics', fastify: '5.x', dependencies: ['stores', 'redis', 'security-events'] })
