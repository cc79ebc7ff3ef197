/**
 * The signing key ring: loaded (or generated once and stored) at start, then kept current: reloaded every few
 * seconds and on unknown kids, and rotated on schedule when KEY_ROTATION_INTERVAL is set.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { loadKeyRing } from '../../src/keys/load-key-ring.js'
import { createLiveKeyRing, type LiveKeyRing } from '../../src/keys/live-key-ring.js'
import { rotateSigningKey, type Rotation } from '../../src/keys/rotate.js'
import { epochSeconds } from '../../src/ids.js'

declare module 'fastify' {
  interface FastifyInstance {
    keyRing: LiveKeyRing
    /** Rotates the generated signing key now; undefined when a configured key (file or secret) signs. */
    rotateSigningKey (): Promise<Rotation | undefined>
  }
}

async function keys (fastify: FastifyInstance): Promise<void> {
  const { config, store } = fastify
  const load = async () => await loadKeyRing(config, store.signingKeys)
  const ring = createLiveKeyRing(await loadKeyRing(config, store.signingKeys, true), load)
  fastify.decorate('keyRing', ring)
  fastify.addHook('onClose', async () => ring.close())
  fastify.log.info({ kid: ring.active.kid, alg: ring.active.alg, verifying: ring.jwks.keys.length }, 'signing key ready')

  const configured = config.JWT_PRIVATE_KEY_FILE !== undefined || config.JWT_SECRET !== undefined
  async function rotate (ifActive?: string): Promise<Rotation | undefined> {
    if (configured) return undefined // the key is the operator's file or secret: rotate it by replacing that
    const rotation = await rotateSigningKey(store.signingKeys, config.JWT_ALGORITHM, config.REFRESH_TOKEN_TTL, ifActive)
    await ring.reload()
    return rotation
  }
  fastify.decorate('rotateSigningKey', async () => await rotate())

  const interval = config.KEY_ROTATION_INTERVAL
  if (interval === undefined || configured) return
  // Every instance checks; the store's compare-and-rotate lets exactly one of them rotate each time.
  const timer = setInterval(() => {
    const active = ring.active
    if ((active.createdAt ?? Infinity) + interval > epochSeconds()) return
    rotate(active.kid).then((rotation) => {
      if (rotation !== undefined) fastify.log.info({ event: 'key.rotated', kid: rotation.kid, retired_kid: rotation.retiredKid, scheduled: true }, 'security event key.rotated')
    }, (err: unknown) => fastify.log.warn({ err }, 'scheduled key rotation failed; will retry'))
  }, Math.min(60_000, interval * 1000))
  timer.unref()
  fastify.addHook('onClose', async () => clearInterval(timer))
}

export default fp(keys, { name: 'keys', fastify: '5.x', dependencies: ['stores'] })
