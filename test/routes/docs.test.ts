/** The OpenAPI document: every operation, with its auth requirement as its security. */
import { test } from 'tap'
import { build } from '../helper.js'

interface Operation { security?: Array<Record<string, string[]>>, description?: string, responses?: Record<string, unknown> }

test('every operation shows what it needs: public ones no security, protected ones bearer or cookie', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const res = await app.inject('/docs/json')
  t.equal(res.statusCode, 200)
  const document = res.json()
  t.match(document, { openapi: /^3\./, info: { title: 'gatehouse' } })
  t.same(Object.keys(document.components.securitySchemes).sort(), ['bearerAuth', 'clientBasic', 'cookieAuth', 'refreshCookie'])
  const operations = new Map<string, Operation>()
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(methods)) operations.set(`${method.toUpperCase()} ${path}`, operation)
  }
  t.same(operations.get('POST /auth/token')?.security, [{ clientBasic: [] }, {}], 'the token endpoint takes client credentials')
  t.same(operations.get('POST /auth/refresh')?.security, [{ refreshCookie: [] }, {}], 'refresh takes a refresh token')
  for (const name of ['POST /auth/login', 'GET /health/live', 'GET /health/ready', 'GET /.well-known/jwks.json', 'GET /demo/']) {
    t.same(operations.get(name)?.security, [], `${name} is public`)
  }
  for (const name of ['POST /auth/logout', 'POST /auth/logout-all', 'GET /auth/me', 'POST /auth/password', 'GET /examples/dashboard', 'GET /examples/admin-panel']) {
    t.same(operations.get(name)?.security, [{ bearerAuth: [] }, { cookieAuth: [] }], `${name} is protected`)
  }
  t.match(operations.get('GET /examples/admin-panel')?.description, /role admin/)
  t.match(operations.get('POST /auth/password')?.description, /fresh token/)
  for (const [name, operation] of operations) t.ok(operation.responses?.['200'] ?? operation.responses?.['201'] ?? operation.responses?.['204'], `${name} documents its success reply`)
})

test('the docs UI is served', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const res = await app.inject('/docs')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
})
