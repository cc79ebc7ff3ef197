/**
 * What a new user does: `npm pack` this package, install the tarball into a fresh Fastify 5 service (the newest
 * 5.x and an older minor), typecheck it under strict NodeNext with library checks on, and run it from ESM and
 * from CommonJS. npm resolves from its cache first (`--prefer-offline`); nothing of gatehouse's server comes along.
 */
import { test } from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createSigner } from 'fast-jwt'

const PACKAGE_DIR = new URL('..', import.meta.url).pathname
const TSC = join(PACKAGE_DIR, '../../node_modules/typescript/bin/tsc')
const FASTIFY_VERSIONS = ['^5', '~5.2.0']

const SERVICE_TS = `import Fastify from 'fastify'
import gatehouseAuth, { type Claims } from '@gatehouse-auth/fastify'

declare module '@gatehouse-auth/fastify' {
  interface CustomClaims { tenant?: string }
}

const app = Fastify()
await app.register(gatehouseAuth, { publicKey: process.env.PUBLIC_KEY ?? '', issuer: 'gatehouse', audience: 'gatehouse' })
app.get('/me', { config: { auth: { roles: ['reader'] } } }, async (request) => {
  const claims: Claims = request.requireClaims()
  return { sub: claims.sub, tenant: claims.tenant ?? null }
})
// @ts-expect-error a misspelt requirement does not compile
app.get('/typo', { config: { auth: 'publik' } }, async () => 'x')
// @ts-expect-error nor does a singular role
app.get('/typo-roles', { config: { auth: { role: ['admin'] } } }, async () => 'x')
`

const SERVICE_MJS = `import Fastify from 'fastify'
import gatehouseAuth from '@gatehouse-auth/fastify'
const app = Fastify()
await app.register(gatehouseAuth, { publicKey: process.env.PUBLIC_KEY, issuer: 'gatehouse', audience: 'gatehouse' })
app.get('/me', { config: { auth: { roles: ['reader'] } } }, async (request) => ({ sub: request.requireClaims().sub }))
const ok = await app.inject({ url: '/me', headers: { authorization: 'Bearer ' + process.env.TOKEN } })
const none = await app.inject('/me')
console.log(JSON.stringify({ ok: ok.statusCode, body: ok.json(), none: none.statusCode, challenge: none.headers['www-authenticate'] }))
await app.close()
`

const SERVICE_CJS = `const Fastify = require('fastify')
const { gatehouseAuth } = require('@gatehouse-auth/fastify')
async function main () {
  const app = Fastify()
  await app.register(gatehouseAuth, { publicKey: process.env.PUBLIC_KEY, issuer: 'gatehouse', audience: 'gatehouse' })
  app.get('/me', { config: { auth: { roles: ['reader'] } } }, async (request) => ({ sub: request.requireClaims().sub }))
  const ok = await app.inject({ url: '/me', headers: { authorization: 'Bearer ' + process.env.TOKEN } })
  const none = await app.inject('/me')
  console.log(JSON.stringify({ ok: ok.statusCode, body: ok.json(), none: none.statusCode, challenge: none.headers['www-authenticate'] }))
  await app.close()
}
main()
`

function footprint (dir: string): { packages: number, bytes: number } {
  let packages = 0
  let bytes = 0
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== '.bin' && (path.endsWith('node_modules') || path.endsWith('node_modules/@' + entry.name.split('/')[0]))) packages += entry.name.startsWith('@') ? 0 : 1
        walk(full)
      } else if (entry.isFile()) bytes += statSync(full).size
    }
  }
  walk(join(dir, 'node_modules'))
  return { packages, bytes }
}

const npm = (cwd: string, args: string[]) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } })

test('npm pack installs into a fresh Fastify 5 service, typechecks under strict NodeNext, and runs from ESM and require', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-pack-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))
  const tarball = join(work, npm(PACKAGE_DIR, ['pack', '--silent', '--pack-destination', work]).trim().split('\n').pop() ?? '')
  const listed = npm(PACKAGE_DIR, ['pack', '--dry-run', '--json'])
  const files = (JSON.parse(listed) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((file) => file.path) ?? []
  t.notOk(files.some((file) => file.endsWith('.map') || file.startsWith('src/') || file.startsWith('test/')), 'ships built code and types only, no source maps')
  t.ok(files.includes('dist/cjs/index.js') && files.includes('dist/esm/index.d.ts') && files.includes('README.md') && files.includes('LICENSE'))

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', kid: 'k1', header: { alg: 'ES256', typ: 'at+jwt' }, iss: 'gatehouse', aud: 'gatehouse', expiresIn: 600_000 })
  const env = { ...process.env, PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(), TOKEN: sign({ sub: 'u-1', jti: randomUUID(), type: 'access', roles: ['reader'], fresh: false }) }

  for (const fastify of FASTIFY_VERSIONS) {
    await t.test(`fastify@${fastify}`, async (t) => {
      const dir = join(work, `service-${fastify.replace(/\W/g, '')}`)
      execFileSync('mkdir', ['-p', dir])
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'a-service', private: true, type: 'module' }))
      const started = Date.now()
      npm(dir, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts=false', tarball, `fastify@${fastify}`, '@types/node@^22'])
      const seconds = (Date.now() - started) / 1000
      const { packages, bytes } = footprint(dir)
      t.comment(`installed with fastify@${fastify}: ${packages} packages, ${(bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(1)} s`)
      const installed = readdirSync(join(dir, 'node_modules'))
      for (const server of ['better-sqlite3', 'argon2', '@node-rs', 'prom-client', 'ioredis']) t.notOk(installed.includes(server), `no ${server}`)
      t.notOk(readdirSync(join(dir, 'node_modules/@gatehouse-auth/fastify')).includes('node_modules'), 'no nested copy of fastify or anything else')

      writeFileSync(join(dir, 'service.ts'), SERVICE_TS)
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: false, noEmit: true, types: ['node'] }, files: ['service.ts'] }))
      t.doesNotThrow(() => execFileSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' }), 'strict TypeScript compiles, and refuses the misspellings')

      writeFileSync(join(dir, 'service.mjs'), SERVICE_MJS)
      writeFileSync(join(dir, 'service.cjs'), SERVICE_CJS)
      for (const file of ['service.mjs', 'service.cjs']) {
        const result: unknown = JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, env, encoding: 'utf8' }))
        t.same(result, { ok: 200, body: { sub: 'u-1' }, none: 401, challenge: 'Bearer realm="gatehouse"' }, file)
      }
    })
  }
})
