import { test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runServer } from '../support/process.js'
import { testPrefix, testRedisUrl, deletePrefix } from '../support/redis-server.js'

const quiet = { LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0' }

test('bad configuration exits non-zero before listening, with one line naming the variable', async (t) => {
  const fileNotFolder = join(mkdtempSync(join(tmpdir(), 'gatehouse-data-')), 'a-file')
  writeFileSync(fileNotFolder, '')
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ JWT_ALGORITHM: 'none' }, /^gatehouse: JWT_ALGORITHM: /],
    [{ JWT_PRIVATE_KEY_FILE: '/nonexistent/key.pem' }, /^gatehouse: JWT_PRIVATE_KEY_FILE: cannot read/],
    [{ JWT_ALGORITHM: 'HS256', JWT_SECRET: 'too short' }, /^gatehouse: JWT_SECRET: /],
    [{ REDIS_URL: 'redis//localhost' }, /^gatehouse: REDIS_URL: /],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' }, /^gatehouse: REDIS_URL, REDIS_CLUSTER_NODES: give exactly one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES$/],
    [{ REDIS_SENTINELS: '10.0.0.5:26379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' }, /^gatehouse: REDIS_SENTINELS, REDIS_CLUSTER_NODES: give exactly one/],
    [{ REDIS_SENTINELS: '10.0.0.5' }, /^gatehouse: REDIS_SENTINELS: 10\.0\.0\.5 is not host:port/],
    [{ ACCESS_TOKEN_TTL: 'soon' }, /^gatehouse: ACCESS_TOKEN_TTL: /],
    [{ PORT: 'eighty' }, /^gatehouse: PORT: /],
    [{ DATA_DIR: fileNotFolder }, /^gatehouse: DATA_DIR: cannot open /],
    [{ HOST: '999.1.1.1', LOG_LEVEL: 'silent' }, /^gatehouse: HOST: cannot listen on 999\.1\.1\.1/]
  ]
  for (const [env, expected] of cases) {
    const server = runServer({ ...quiet, DATA_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-data-')), ...env })
    const code = await server.exited
    t.equal(code, 1, JSON.stringify(env))
    const lines = server.output().trim().split('\n')
    t.equal(lines.length, 1, 'one line')
    t.match(lines[0], expected)
    t.notMatch(server.output(), /Server listening/)
  }
})

test('an unreachable Redis at start exits non-zero naming REDIS_URL', async (t) => {
  const server = runServer({ ...quiet, REDIS_URL: 'redis://127.0.0.1:1' })
  t.equal(await server.exited, 1)
  t.match(server.output(), /^gatehouse: REDIS_URL: cannot connect to Redis/m)
})

test('unreachable sentinels or cluster nodes at start exit non-zero naming their variable', async (t) => {
  for (const variable of ['REDIS_SENTINELS', 'REDIS_CLUSTER_NODES']) {
    const server = runServer({ ...quiet, [variable]: '127.0.0.1:1,127.0.0.1:2' })
    t.equal(await server.exited, 1, variable)
    t.match(server.output(), new RegExp(`^gatehouse: ${variable}: cannot connect to Redis`, 'm'))
  }
})

test('it serves, and SIGTERM closes it gracefully with exit code 0', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-data-'))
  const server = runServer({ ...quiet, DATA_DIR: dataDir, ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'correct horse battery' })
  const url = await server.listening
  const live = await fetch(`${url}/health/live`)
  t.equal(live.status, 200)
  t.match(server.output(), /admin user created/)
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
  t.match(server.output(), /"signal":"SIGTERM","msg":"closing"/)

  const again = runServer({ ...quiet, DATA_DIR: dataDir, ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'another password' })
  await again.listening
  t.match(again.output(), /admin user already exists; left unchanged/, 'a restart finds the admin it created')
  again.child.kill('SIGINT')
  t.equal(await again.exited, 0)
})

test('with REDIS_URL it serves against Redis', async (t) => {
  const redisUrl = await testRedisUrl()
  const prefix = testPrefix()
  t.teardown(async () => await deletePrefix(redisUrl, prefix))
  const server = runServer({ ...quiet, REDIS_URL: redisUrl, REDIS_PREFIX: prefix })
  const url = await server.listening
  const ready = await fetch(`${url}/health/ready`)
  t.same(await ready.json(), { status: 'ready', store: 'redis' })
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
})
