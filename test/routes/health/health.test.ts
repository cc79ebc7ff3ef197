import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { startRedisServer } from '../../support/redis-server.js'
import { testPrefix } from '../../support/redis-server.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

for (const mode of MODES) {
  test(`${mode}: live and ready answer 200 while the store answers`, async (t) => {
    const app = await build(t, { mode })
    const live = await app.inject('/health/live')
    t.equal(live.statusCode, 200)
    t.same(live.json(), { status: 'ok' })
    const ready = await app.inject('/health/ready')
    t.equal(ready.statusCode, 200)
    t.same(ready.json(), { status: 'ready', store: mode })
  })
}

test('redis: ready follows Redis going away and coming back, live stays 200', async (t) => {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const location = { dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-data-')), redisUrl: redis.url, prefix: testPrefix() }
  const app = await build(t, { mode: 'redis', location })
  t.equal((await app.inject('/health/ready')).statusCode, 200)

  await redis.stop()
  const started = Date.now()
  const down = await app.inject('/health/ready')
  t.equal(down.statusCode, 503)
  t.match(down.json(), { statusCode: 503, code: 'SERVICE_UNAVAILABLE', error: 'Service Unavailable' })
  t.ok(Date.now() - started < 5000, 'the probe does not hang while Redis is away')
  t.equal((await app.inject('/health/live')).statusCode, 200, 'live stays 200')

  await redis.start()
  let recovered = false
  for (let i = 0; i < 100 && !recovered; i++) {
    recovered = (await app.inject('/health/ready')).statusCode === 200
    if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(recovered, 'ready again within 10 s of Redis returning, without a restart')
})

test('an unknown route answers 404 in the error shape, with or without a token', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  for (const headers of [{}, { authorization: 'Bearer nonsense' }]) {
    const res = await app.inject({ url: '/no/such/route', headers })
    t.equal(res.statusCode, 404)
    t.same(res.json(), { statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: 'Route GET /no/such/route not found' })
  }
})
