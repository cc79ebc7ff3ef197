/**
 * What the exported plugin brings into another service: its static import graph, read from the sources,
 * reaches none of gatehouse's server, login, session, password or user-store code, nor SQLite or argon2.
 */
import { test } from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ENTRY = 'plugins/gatehouse-auth.ts'

// Every static form: `import x from '...'`, `import type ...`, `export ... from '...'`, `import '...'`.
const SPECIFIERS = /(?:^|[\s;])(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/g

/** Every module reached from the entry (paths relative to the root), and every package named on the way. */
function importGraph (entry: string) {
  const modules = new Set<string>()
  const packages = new Set<string>()
  const pending = [entry]
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (modules.has(file)) continue
    modules.add(file)
    const source = readFileSync(join(ROOT, file), 'utf8')
    for (const [, specifier = ''] of source.matchAll(SPECIFIERS)) {
      if (!specifier.startsWith('.')) {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0] ?? specifier)
        continue
      }
      const target = relative(ROOT, join(dirname(join(ROOT, file)), specifier.replace(/\.js$/, '.ts')))
      if (!existsSync(join(ROOT, target))) throw new Error(`${file} imports ${specifier}, which does not exist as ${target}`)
      pending.push(target)
    }
  }
  return { modules, packages }
}

const FORBIDDEN_MODULES: Array<[string, RegExp]> = [
  ['the server (src/server.ts)', /^src\/server\.ts$/],
  ['the app factory (src/app.ts)', /^src\/app\.ts$/],
  ['password hashing (src/passwords.ts)', /^src\/passwords\.ts$/],
  ['the SQLite store (src/stores/sqlite/)', /^src\/stores\/sqlite\//],
  ['the Redis user store (src/stores/redis/users.ts)', /^src\/stores\/redis\/users\.ts$/],
  ['sessions and login (src/sessions/)', /^src\/sessions\//],
  ['administration (src/admin/)', /^src\/admin\//]
]
const FORBIDDEN_PACKAGES = ['better-sqlite3', '@node-rs/argon2']

test('the walk follows imports: it finds what the plugin is made of', async (t) => {
  const { modules, packages } = importGraph(ENTRY)
  for (const module of ['plugins/app/authorization.ts', 'src/tokens/verify.ts', 'src/keys/jwks-client.ts', 'src/stores/revocation-view.ts', 'src/stores/redis/revocation-feed.ts']) {
    t.ok(modules.has(module), `reaches ${module}`)
  }
  for (const name of ['fastify-plugin', 'fast-jwt', 'ioredis', '@sinclair/typebox']) t.ok(packages.has(name), `names ${name}`)
})

test('the walk would notice a forbidden import: gatehouse\'s own stores plugin reaches SQLite and users', async (t) => {
  const { modules, packages } = importGraph('plugins/app/stores.ts')
  t.ok([...modules].some((module) => module.startsWith('src/stores/sqlite/')))
  t.ok(modules.has('src/stores/redis/users.ts'))
  t.ok(packages.has('better-sqlite3'))
})

test('the exported plugin reaches no server, login, session, password or user-store code', async (t) => {
  const { modules } = importGraph(ENTRY)
  for (const [what, pattern] of FORBIDDEN_MODULES) {
    t.same([...modules].filter((module) => pattern.test(module)), [], `does not reach ${what}`)
  }
})

test('the exported plugin needs neither SQLite nor argon2', async (t) => {
  const { packages } = importGraph(ENTRY)
  for (const name of FORBIDDEN_PACKAGES) t.notOk(packages.has(name), `does not import ${name}`)
})
