/** The README's proxy configurations are valid for the tools that read them: Caddy's (caddy adapt) and Traefik's (YAML). */
import { test } from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

function block (language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(README)
  if (match?.[1] === undefined) throw new Error(`README has no ${language} block`)
  return match[1]
}

test('the README\'s Caddyfile adapts with Debian\'s caddy, into a forward_auth to /auth/verify', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-caddy-')), 'Caddyfile')
  writeFileSync(file, block('caddyfile'))
  const { stdout } = await promisify(execFile)('caddy', ['adapt', '--config', file, '--adapter', 'caddyfile'], { encoding: 'utf8' })
  const adapted = JSON.stringify(JSON.parse(stdout))
  t.match(adapted, /\/auth\/verify/)
  for (const header of ['X-Auth-Subject', 'X-Auth-Username', 'X-Auth-Roles', 'X-Auth-Scope', 'X-Auth-Session']) t.match(adapted, header, `copies ${header}`)
})

test('the README\'s Traefik middlewares parse and forward to /auth/verify with every identity header', async (t) => {
  const config = parse(block('yaml')) as { http: { middlewares: Record<string, { forwardAuth: { address: string, authResponseHeaders: string[] } }> } }
  const middlewares = Object.values(config.http.middlewares)
  t.ok(middlewares.length >= 1)
  for (const { forwardAuth } of middlewares) {
    t.match(forwardAuth.address, /^http:\/\/gatehouse:3000\/auth\/verify(\?roles=admin)?$/)
    t.same(forwardAuth.authResponseHeaders, ['X-Auth-Subject', 'X-Auth-Username', 'X-Auth-Roles', 'X-Auth-Scope', 'X-Auth-Session'])
  }
})
