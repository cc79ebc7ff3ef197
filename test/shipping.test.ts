/** The container files, checked by reading them: no Docker engine runs where the tests do. */
import { test } from 'tap'
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { parse } from 'yaml'

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
