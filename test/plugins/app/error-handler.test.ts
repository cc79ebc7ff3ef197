import { test } from 'tap'
import Fastify from 'fastify'
import { Writable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import errorHandler from '../../../plugins/app/error-handler.js'
import { serverOptions } from '../../../src/app.js'
import { loadConfig } from '../../../src/config.js'
import type { Teardown } from '../../support/stores.js'
import { InvalidTokenError, TokenExpiredError, InvalidCredentialsError, ServiceUnavailableError } from '../../../src/errors.js'

const ErrorShape = { statusCode: Number, code: String, error: String, message: String }

/** A bare Fastify with our server options and error handler, plus routes that fail in each way. */
async function bareApp (t: Teardown, logs: string[] = []) {
  const stream = new Writable({ write (chunk, _encoding, done) { logs.push(String(chunk)); done() } })
  const options = serverOptions(loadConfig({ LOG_LEVEL: 'info' }))
  const app = Fastify({ ...options, logger: { level: 'info', stream } }).withTypeProvider<TypeBoxTypeProvider>()
  await app.register(errorHandler)
  app.post('/echo', { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }) } }, async (request) => request.body)
  app.get('/boom', async () => { throw new Error('secret internals at /srv/app.js:12') })
  app.get('/expired', async () => { throw new TokenExpiredError() })
  app.get('/invalid', async () => { throw new InvalidTokenError('bad "signature"') })
  app.get('/credentials', async () => { throw new InvalidCredentialsError() })
  app.get('/unavailable', async () => { throw new ServiceUnavailableError('Redis is away') })
  t.teardown(async () => await app.close())
  return app
}

test('an unknown route answers 404 in the error shape', async (t) => {
  const app = await bareApp(t)
  const res = await app.inject('/missing?x=1')
  t.equal(res.statusCode, 404)
  t.same(res.json(), { statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: 'Route GET /missing not found' })
})

test('a body that fails its schema answers 400 FST_ERR_VALIDATION and runs no handler', async (t) => {
  const app = await bareApp(t)
  for (const payload of [{}, { name: '' }, { name: 'a', extra: true }, { name: 42 }]) {
    const res = await app.inject({ method: 'POST', url: '/echo', payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json(), { ...ErrorShape, statusCode: 400, code: 'FST_ERR_VALIDATION', error: 'Bad Request' })
  }
})

test('malformed JSON, a wrong media type and an oversized body are client errors in the same shape', async (t) => {
  const app = await bareApp(t)
  const malformed = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"name":' })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json(), { ...ErrorShape, statusCode: 400 })
  const media = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'text/xml' }, payload: '<a/>' })
  t.equal(media.statusCode, 415)
  t.match(media.json(), { ...ErrorShape, statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' })
  const large = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x'.repeat(70 * 1024) } })
  t.equal(large.statusCode, 413)
  t.match(large.json(), { ...ErrorShape, statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' })
})

test('an unexpected error answers 500 INTERNAL without detail and is logged with its stack', async (t) => {
  const logs: string[] = []
  const app = await bareApp(t, logs)
  const res = await app.inject('/boom')
  t.equal(res.statusCode, 500)
  t.same(res.json(), { statusCode: 500, code: 'INTERNAL', error: 'Internal Server Error', message: 'Internal Server Error' })
  t.notMatch(res.body, /secret internals|app\.js|at /)
  t.match(logs.join(''), /secret internals at \/srv\/app\.js:12/)
  t.match(logs.join(''), /"stack":"Error: secret internals/)
})

test('every 401 carries a Bearer challenge; token failures say invalid_token', async (t) => {
  const app = await bareApp(t)
  const expired = await app.inject('/expired')
  t.equal(expired.statusCode, 401)
  t.equal(expired.headers['www-authenticate'], 'Bearer realm="gatehouse", error="invalid_token", error_description="The token has expired"')
  t.match(expired.json(), { code: 'AUTH_TOKEN_EXPIRED' })
  const invalid = await app.inject('/invalid')
  t.equal(invalid.headers['www-authenticate'], 'Bearer realm="gatehouse", error="invalid_token", error_description="Invalid token: bad signature"', 'quotes cannot break the header')
  const credentials = await app.inject('/credentials')
  t.equal(credentials.headers['www-authenticate'], 'Bearer realm="gatehouse"')
})

test('an unavailable dependency answers 503 SERVICE_UNAVAILABLE', async (t) => {
  const app = await bareApp(t)
  const res = await app.inject('/unavailable')
  t.equal(res.statusCode, 503)
  t.same(res.json(), { statusCode: 503, code: 'SERVICE_UNAVAILABLE', error: 'Service Unavailable', message: 'Service unavailable: Redis is away' })
})
