/**
 * Forward auth through a real nginx (Debian's, started here on free ports) with examples/nginx/ as a user copies
 * it: auth_request to gatehouse's GET /auth/verify, the identity passed upstream, a client's own X-Auth-* headers
 * never reaching the app. The app is a small echo server that answers with the headers it received.
 */
import { test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from '../helper.js'
import { createUser, loginWithCookies, loginWithTokens, type TestApp } from '../support/auth.js'
import { freePort } from '../support/redis-server.js'
import { testLocation } from '../support/stores.js'
import { within } from '../support/poll.js'

const EXAMPLES = fileURLToPath(new URL('../../examples/nginx/', import.meta.url))
const NGINX = '/usr/sbin/nginx'

async function listen (server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function echoApp (t: { teardown (fn: () => unknown): void }): Promise<string> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: request.method, url: request.url, headers: request.headers }))
  })
  const address = await listen(server)
  t.teardown(async () => await new Promise((resolve) => server.close(resolve)))
  return address
}

async function listening (app: TestApp): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

/** examples/nginx as a user installs it, with this test's addresses, under a main config of the test's own. */
async function startNginx (t: { teardown (fn: () => unknown): void }, gatehouse: string, app: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-nginx-'))
  const port = await freePort()
  const site = readFileSync(join(EXAMPLES, 'gatehouse.conf'), 'utf8')
    .replace('server 127.0.0.1:3000;', `server ${gatehouse};`)
    .replace('server 127.0.0.1:8080;', `server ${app};`)
    .replace('listen 8000;', `listen 127.0.0.1:${port};`)
  writeFileSync(join(dir, 'gatehouse.conf'), site)
  for (const file of ['gatehouse-verify.conf', 'gatehouse-identity.conf']) copyFileSync(join(EXAMPLES, file), join(dir, file))
  for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, temp))
  writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include gatehouse.conf;
}
`)
  const nginx: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let errors = ''
  nginx.stderr?.on('data', (chunk) => { errors += String(chunk) })
  t.teardown(async () => {
    nginx.kill('SIGQUIT')
    await new Promise((resolve) => nginx.exitCode === null ? nginx.once('exit', resolve) : resolve(undefined))
    rmSync(dir, { recursive: true, force: true })
  })
  const url = `http://127.0.0.1:${port}`
  const up = await within(5000, async () => await fetch(`${url}/`).then(() => true, () => false))
  if (up < 0) throw new Error(`nginx did not start: ${errors}${readFileSync(join(dir, 'error.log'), 'utf8')}`)
  return url
}

test('nginx auth_request: 401 without a token, the identity upstream with one, forged X-Auth-* headers never reach the app, 403 without the role', async (t) => {
  const gatehouse = await build(t, { mode: 'embedded' })
  await createUser(gatehouse, 'alice', ['editor'])
  const nginx = await startNginx(t, await listening(gatehouse), await echoApp(t))
  const alice = await loginWithTokens(gatehouse, 'alice')

  const none = await fetch(`${nginx}/reports`)
  t.equal(none.status, 401, 'no token: 401 at nginx, the app never called')

  const res = await fetch(`${nginx}/reports?x=1`, { headers: { authorization: `Bearer ${alice.accessToken}`, 'x-auth-username': 'admin', 'x-auth-roles': 'admin' } })
  t.equal(res.status, 200)
  const seen = await res.json() as { url: string, headers: Record<string, string> }
  t.equal(seen.url, '/reports?x=1')
  t.equal(seen.headers['x-auth-subject'], alice.userId)
  t.equal(seen.headers['x-auth-username'], 'alice', 'the client\'s forged username was replaced')
  t.equal(seen.headers['x-auth-roles'], 'editor', 'and so were its forged roles')
  t.ok(seen.headers['x-auth-session'], 'the session id')
  t.equal(seen.headers['x-auth-scope'], undefined, 'a user token has no scope')

  const forgedOnly = await fetch(`${nginx}/reports`, { headers: { 'x-auth-subject': alice.userId } })
  t.equal(forgedOnly.status, 401, 'headers alone are not a credential')

  const admin = await fetch(`${nginx}/admin/panel`, { headers: { authorization: `Bearer ${alice.accessToken}` } })
  t.equal(admin.status, 403, 'the location that requires the admin role refuses an editor')
})

test('nginx auth_request with cookies: a POST without X-CSRF-Token is refused, with it it passes', async (t) => {
  const gatehouse = await build(t, { mode: 'embedded' })
  await createUser(gatehouse, 'bob')
  const nginx = await startNginx(t, await listening(gatehouse), await echoApp(t))
  const session = await loginWithCookies(gatehouse, 'bob')
  const cookie = session.header('/')
  t.equal((await fetch(`${nginx}/notes`, { headers: { cookie } })).status, 200, 'a cookie GET passes')
  t.equal((await fetch(`${nginx}/notes`, { method: 'POST', headers: { cookie }, body: 'x' })).status, 403, 'a cookie POST without the CSRF header: 403')
  const withCsrf = await fetch(`${nginx}/notes`, { method: 'POST', headers: { cookie, 'x-csrf-token': session.csrf }, body: 'x' })
  t.equal(withCsrf.status, 200)
  t.equal((await withCsrf.json() as { method: string }).method, 'POST')
})

test('redis: a token revoked on another instance is refused at nginx within 100 ms', async (t) => {
  const location = await testLocation(t)
  const behindNginx = await build(t, { mode: 'redis', location })
  const other = await build(t, { mode: 'redis', location })
  await createUser(other, 'carol')
  const nginx = await startNginx(t, await listening(behindNginx), await echoApp(t))
  const session = await loginWithTokens(other, 'carol')
  const headers = { authorization: `Bearer ${session.accessToken}` }
  t.equal((await fetch(`${nginx}/`, { headers })).status, 200)
  t.equal((await other.inject({ method: 'POST', url: '/auth/logout', headers })).statusCode, 204)
  const took = await within(100, async () => (await fetch(`${nginx}/`, { headers })).status === 401)
  t.ok(took >= 0, `refused at nginx ${took} ms after the logout on the other instance`)
})
