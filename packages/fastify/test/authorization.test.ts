import { test } from 'tap'
import Fastify from 'fastify'
import gatehouseAuth from '../src/index.js'

async function appWith (declare: (app: ReturnType<typeof Fastify>) => void) {
  const app = Fastify()
  // A key lookup that knows no key: every token is refused, which is all these cases need.
  await app.register(gatehouseAuth, { findKey: () => undefined, issuer: 'gatehouse', audience: 'gatehouse', revocations: { isRevoked: async () => false } })
  declare(app)
  return { app } // not the instance itself: it is thenable, and awaiting it would boot it
}

test('a route that declares no config.auth is refused at registration, naming the route', async (t) => {
  const { app } = await appWith(() => {})
  t.throws(() => app.get('/forgotten', async () => 'open'), /GET \/forgotten declares no config\.auth/)
})

test('a route plugin with an undeclared route stops the app from starting', async (t) => {
  const { app } = await appWith((app) => {
    app.register(async (scope: typeof app) => { scope.post('/undeclared', async () => 'open') }, { prefix: '/api' })
  })
  await t.rejects(async () => { await app.ready() }, /POST \/api\/undeclared declares no config\.auth/)
})

test('an invalid config.auth is refused at registration, naming the route', async (t) => {
  const { app } = await appWith(() => {})
  const cases: unknown[] = ['private', { roles: 'admin' }, { roles: [''] }, { role: ['admin'] }, { fresh: 'yes' }, { scopes: ['a b'] }]
  for (const auth of cases) {
    // @ts-expect-error each case is a config.auth the types rightly refuse
    t.throws(() => app.route({ method: ['POST', 'PUT'], url: '/thing', config: { auth }, handler: async () => 'x' }),
      /POST,PUT \/thing has an invalid config\.auth/, JSON.stringify(auth))
  }
})

test('public routes serve without a token; protected ones refuse a request without one', async (t) => {
  const { app } = await appWith((app) => {
    app.get('/open', { config: { auth: 'public' } }, async () => ({ ok: true }))
    app.get('/closed', { config: { auth: { roles: ['admin'] } } }, async () => ({ ok: true }))
  })
  t.teardown(async () => await app.close())
  t.equal((await app.inject('/open')).statusCode, 200)
  const closed = await app.inject('/closed')
  t.equal(closed.statusCode, 401)
  t.equal(closed.json().code, 'AUTH_MISSING_TOKEN')
  t.equal(closed.headers['www-authenticate'], 'Bearer realm="gatehouse"')
})
