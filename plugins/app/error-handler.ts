/**
 * One error handler: every error answers { statusCode, code, error, message }, never a stack trace;
 * every 401 carries an RFC 6750 challenge; an unexpected error is logged whole and answered 500 INTERNAL.
 */
import { STATUS_CODES } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { bearerChallenge } from '@gatehouse-auth/fastify'
import { OAUTH_CODE_PREFIX, RouteNotFoundError } from '../../src/errors.js'
import type { ErrorReplyBody } from '../../src/schemas/error.js'

function send (reply: FastifyReply, statusCode: number, code: string, message: string) {
  if (code.startsWith(OAUTH_CODE_PREFIX)) return sendOAuth(reply, statusCode, code, message)
  const body: ErrorReplyBody = { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message }
  if (statusCode === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', bearerChallenge(code, message))
  return reply.code(statusCode).type('application/json; charset=utf-8').send(body)
}

/**
 * RFC 6749 5.2: the token endpoint's errors carry `error` (invalid_client, ...) and `error_description`;
 * statusCode, code and message are kept, so the answer still has every field of our shape.
 */
function sendOAuth (reply: FastifyReply, statusCode: number, code: string, message: string) {
  const error = code.slice(OAUTH_CODE_PREFIX.length).toLowerCase()
  if (statusCode === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Bearer realm="gatehouse"')
  return reply.code(statusCode).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).type('application/json; charset=utf-8')
    .send({ statusCode, code, error, error_description: message, message })
}

async function errorHandler (fastify: FastifyInstance): Promise<void> {
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      return send(reply, 400, 'FST_ERR_VALIDATION', error.message)
    }
    const statusCode = error.statusCode ?? 500
    if (statusCode >= 400 && statusCode < 500) {
      return send(reply, statusCode, error.code ?? `HTTP_${statusCode}`, error.message)
    }
    if (error.code === 'SERVICE_UNAVAILABLE') {
      request.log.warn({ err: error }, 'refused: a dependency is unavailable')
      return send(reply, 503, error.code, error.message)
    }
    request.log.error({ err: error }, 'unexpected error')
    return send(reply, 500, 'INTERNAL', 'Internal Server Error')
  })

  fastify.setNotFoundHandler((request) => {
    throw new RouteNotFoundError(request.method, request.url.split('?')[0] ?? '/')
  })
}

export default fp(errorHandler, { name: 'error-handler', fastify: '5.x' })
