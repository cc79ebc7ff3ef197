/** Liveness and readiness, for orchestrators and load balancers. */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorReply } from '../../src/schemas/error.js'
import { ServiceUnavailableError } from '../../src/errors.js'

const LiveReply = Type.Object({ status: Type.Literal('ok') })
const ReadyReply = Type.Object({ status: Type.Literal('ready'), store: Type.Union([Type.Literal('embedded'), Type.Literal('redis')]) })

const health: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/live', {
    config: { auth: 'public' },
    schema: { tags: ['health'], summary: 'The process is running', response: { 200: LiveReply } }
  }, async () => ({ status: 'ok' as const }))

  fastify.get('/ready', {
    config: { auth: 'public' },
    schema: { tags: ['health'], summary: 'The instance can serve: its store answers', response: { 200: ReadyReply, 503: ErrorReply } }
  }, async () => {
    if (!await fastify.store.ping()) throw new ServiceUnavailableError(`the ${fastify.store.mode === 'redis' ? 'Redis' : 'embedded'} store does not answer`)
    if (!fastify.store.revocations.ready) throw new ServiceUnavailableError('revocations are not in sync with the store')
    return { status: 'ready' as const, store: fastify.store.mode }
  })
}

export default health
