/** The container files, checked by reading them: no Docker engine runs where the tests do. */
import { test } from 'tap'
import { mkdtempSync, readFileSync } from 'node:fs'
import { execFileSync, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Redis } from 'ioredis'
import { freePort, startRedisServer } from './support/redis-server.js'
import { within } from './support/poll.js'

const root = new URL('../', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, root), 'utf8')

test('docker-compose.yml runs gatehouse on a persistent, healthy Redis', async (t) => {
  const compose = parse(read('docker-compose.yml'))
  const redis = compose.services.redis
  const gatehouse = compose.services.gatehouse
  t.match(redis.image, /^redis:7/)
  t.ok(redis.command.includes('--appendonly') && redis.command.includes('yes'), 'append-only persistence')
  t.ok(redis.volumes.some((volume: string) => volume.endsWith(':/data')), 'Redis data on a volume')
  t.same(redis.healthcheck.test, ['CMD', 'redis-cli', 'ping'])
  t.equal(gatehouse.build, '.')
  t.equal(gatehouse.environment.REDIS_URL, 'redis://redis:6379')
  t.same(gatehouse.depends_on, { redis: { condition: 'service_healthy' } }, 'gatehouse waits for a healthy Redis')
  t.ok(gatehouse.ports.includes('127.0.0.1:3000:3000'), 'published on loopback only')
  t.notOk(Object.keys(gatehouse.environment).some((name) => /PASSWORD$|SECRET$/.test(name)), 'no secret in the environment')
})

test('docker-compose config accepts the file', async (t) => {
  // Debian's docker-compose validates without an engine; .ci/run installs it.
  const output = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: root, encoding: 'utf8' })
  t.equal(output, '')
})

test('the Dockerfile builds in two stages and runs as a non-root user with a health check', async (t) => {
  const dockerfile = read('Dockerfile')
  const stages = dockerfile.match(/^FROM /gm) ?? []
  t.equal(stages.length, 2, 'multi-stage')
  t.match(dockerfile, /^FROM node:24[^\n]* AS build$/m, 'Node 24 LTS')
  t.match(dockerfile, /^FROM node:24[^\n]*-slim$/m)
  t.match(dockerfile, /ln -s \/app\/dist\/src\/cli\/index\.js \/usr\/local\/bin\/gatehouse/, 'the CLI is `gatehouse` on the PATH')
  t.match(dockerfile, /COPY --from=build \/app\/packages\/fastify\/dist/, 'the verifier package the service links to')
  t.match(dockerfile, /npm ci/)
  t.match(dockerfile, /npm prune --omit=dev/)
  t.match(dockerfile, /^ENV [^\n]*HOST=0\.0\.0\.0/m)
  t.match(dockerfile, /^USER node$/m)
  t.match(dockerfile, /^HEALTHCHECK [\s\S]*\/health\/live/m)
  t.match(dockerfile, /^CMD \["node", "dist\/src\/server\.js"\]$/m)
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '))
  t.notMatch(runtime, /COPY (src|test)/, 'no sources or tests in the runtime image')
})

test('package.json asks for a maintained Node LTS, starts the compiled server, and is licensed', async (t) => {
  const pkg = JSON.parse(read('package.json'))
  t.equal(pkg.engines.node, '>=22.12')
  t.equal(pkg.license, 'MIT')
  t.ok(read('LICENSE').startsWith('MIT License'))
  t.same(pkg.workspaces, ['packages/*', 'examples/*'], 'the verifier package is a workspace gatehouse depends on')
  t.equal(pkg.dependencies['@gatehouse-auth/fastify'], '0.1.0')
  t.equal(pkg.scripts.start, 'node dist/src/server.js')
  t.equal(pkg.scripts.prestart, 'npm run build', 'npm start builds first, so a fresh clone starts after npm ci alone')
  t.match(pkg.scripts.test, /typecheck.*lint.*test:unit/)
  t.match(pkg.dependencies['better-sqlite3'], /^\^12\./)
  t.same(pkg.bin, { gatehouse: 'dist/src/cli/index.js' })
  t.equal(pkg.scripts.prepare, 'npm run build', 'npm ci builds, so the CLI exists after it')
})

test('docker-compose.sentinel.yml: a primary, two replicas, three sentinels with quorum 2, two instances through them', async (t) => {
  t.equal(execFileSync('docker-compose', ['-f', 'docker-compose.sentinel.yml', 'config', '-q'], { cwd: root, encoding: 'utf8' }), '', 'docker-compose config accepts it')
  const { services } = parse(read('docker-compose.sentinel.yml'), { merge: true }) // the file shares settings by YAML merge keys
  const sentinels = ['sentinel-1', 'sentinel-2', 'sentinel-3']
  t.same(services['redis-replica-1'].command.slice(3, 6), ['--replicaof', 'redis-primary', '6379'])
  t.same(services['redis-replica-2'].command.slice(3, 6), ['--replicaof', 'redis-primary', '6379'])
  for (const name of ['gatehouse-a', 'gatehouse-b']) {
    const gatehouse = services[name]
    t.equal(gatehouse.environment.REDIS_SENTINELS, sentinels.map((sentinel) => `${sentinel}:26379`).join(','), `${name} knows every sentinel`)
    t.equal(gatehouse.environment.REDIS_URL, undefined, 'and no REDIS_URL beside them')
    t.notOk(Object.keys(gatehouse.environment).some((variable) => /PASSWORD$|SECRET$/.test(variable)), 'no secret in the environment')
  }
  t.same(services['gatehouse-a'].ports, ['127.0.0.1:3000:3000'], 'published on loopback only')
  t.same(services['gatehouse-b'].ports, ['127.0.0.1:3001:3000'])

  // The sentinels' start script, run for real against a private redis-server in place of redis-primary.
  const script = String(services['sentinel-1'].command[0])
  t.match(script, /sentinel monitor mymaster redis-primary 6379 2\n/, 'quorum 2 of the three')
  const primary = await startRedisServer()
  t.teardown(async () => await primary.stop())
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-compose-sentinel-'))
  const port = await freePort()
  const local = script
    .replaceAll('/tmp/sentinel.conf', join(dir, 'sentinel.conf'))
    .replace('port 26379', `port ${port}\nbind 127.0.0.1`)
    .replace('redis-primary 6379', `127.0.0.1 ${primary.port}`)
  const sentinel = spawn('sh', ['-c', local], { stdio: 'ignore' })
  t.teardown(() => { sentinel.kill('SIGKILL') })
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
  probe.on('error', () => {})
  t.teardown(() => probe.disconnect())
  const named = await within(5000, async () => {
    try {
      if (probe.status !== 'ready') await probe.connect()
      const [, answer] = (await probe.call('SENTINEL', 'get-master-addr-by-name', 'mymaster')) as [string, string]
      return answer === String(primary.port)
    } catch {
      if (probe.status !== 'ready') probe.disconnect()
      return false
    }
  })
  t.ok(named >= 0, 'a sentinel started by that script monitors the primary')
})
