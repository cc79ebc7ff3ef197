/**
 * A route that declares `config.auth` is never served unchecked. The guard checks the routes of the context it
 * is registered in and below; a route at the root, or in a sibling context, is out of its sight and would be
 * served with no check at all. So every Fastify instance created after this module loads records the routes
 * that declare `config.auth` (through Fastify's `fastify.initialization` diagnostics channel, from the first
 * route on), and when the app is ready the guard refuses to start while one of them was checked by no guard.
 */
import { subscribe } from 'node:diagnostics_channel'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { describeRoute } from './route-auth.js'

interface Registry {
  declared: WeakMap<object, RouteOptions[]> // by root instance: the routes that declare config.auth
  checked: WeakSet<object> // route options a guard has checked
  subscribed: boolean
}

// Shared by every copy of this module in the process (the ESM and the CommonJS build may both be loaded).
const REGISTRY = Symbol.for('@gatehouse-auth/fastify.routes')
const holder = globalThis as { [REGISTRY]?: Registry }
const registry: Registry = holder[REGISTRY] ??= { declared: new WeakMap(), checked: new WeakSet(), subscribed: false }

function track (root: FastifyInstance): RouteOptions[] {
  let declared = registry.declared.get(root)
  if (declared !== undefined) return declared
  declared = []
  registry.declared.set(root, declared)
  const list = declared
  root.addHook('onRoute', (route) => {
    if (route.config?.auth !== undefined) list.push(route)
  })
  return declared
}

if (!registry.subscribed) {
  registry.subscribed = true
  subscribe('fastify.initialization', (message) => {
    const fastify = (message as { fastify?: FastifyInstance }).fastify
    if (fastify !== undefined) track(fastify)
  })
}

/** A context is the root's descendant by prototype (Fastify makes each one with Object.create of its parent). */
function rootOf (fastify: FastifyInstance): FastifyInstance {
  let root = fastify
  for (let parent: unknown = Object.getPrototypeOf(root); typeof parent === 'object' && parent !== null && 'addHook' in parent; parent = Object.getPrototypeOf(parent)) {
    root = parent as FastifyInstance
  }
  return root
}

export function markChecked (route: object): void {
  registry.checked.add(route)
}

/** At ready, refuses to start while a route that declares config.auth was checked by no guard, naming it. */
export function refuseUnseenRoutes (fastify: FastifyInstance, pluginName: string): void {
  // An app created before this module loaded is tracked from here on: later routes are still seen.
  const declared = track(rootOf(fastify))
  fastify.addHook('onReady', async () => {
    // 'public' needs no check; anything else unchecked would be served open.
    const unseen = declared.filter((route) => route.config?.auth !== 'public' && !registry.checked.has(route))
    if (unseen.length === 0) return
    throw new Error(`${pluginName}: ${unseen.map(describeRoute).join(', ')} declare${unseen.length === 1 ? 's' : ''} config.auth outside the context ${pluginName} is registered in, so nothing would check ${unseen.length === 1 ? 'it' : 'them'}: register ${pluginName} at the root, or in a parent of every protected route`)
  })
}
