/** POST /admin/keys/rotate: a new signing key at once; the old one verifies until its tokens have expired. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorReply } from '../../src/schemas/error.js'
import { KeyConfiguredError } from '../../src/errors.js'

const RotationReply = Type.Object({
  kid: Type.String({ description: 'the key that signs from now on' }),
  alg: Type.String(),
  retired_kid: Type.Union([Type.String(), Type.Null()], { description: 'the previous key, now verify-only' }),
  retired_until: Type.String({ format: 'date-time', description: 'when the previous key leaves the JWKS: after every token it signed has expired' })
})

const keys: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/keys/rotate', {
    config: { auth: { roles: ['admin'] } },
    schema: {
      tags: ['admin'],
      summary: 'Rotate the signing key',
      description: 'Every instance signs with the new key within seconds and keeps verifying with the old one; no session is lost.',
      response: { 200: RotationReply, 401: ErrorReply, 403: ErrorReply, 409: ErrorReply, 503: ErrorReply }
    }
  }, async (request) => {
    const rotation = await fastify.rotateSigningKey()
    if (rotation === undefined) throw new KeyConfiguredError()
    request.securityEvent('key.rotated', { kid: rotation.kid, ...(rotation.retiredKid === undefined ? {} : { retired_kid: rotation.retiredKid }) })
    return { kid: rotation.kid, alg: rotation.alg, retired_kid: rotation.retiredKid ?? null, retired_until: new Date(rotation.retiredUntil * 1000).toISOString() }
  })
}

export default keys
