/**
 * Hardening, tried as an attacker would: a client choosing its address through X-Forwarded-For, locking a
 * service out by its client id, duplicate cookies, a client named like a user, secrets from files.
 */
import { test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, MODES } from '../helper.js'
import { bearer, PASSWORD, signedInUser } from '../support/auth.js'
import { basicAuth, registerClient, serviceToken } from '../support/clients.js'
import { loadConfig } from '../../src/config.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

test('TRUST_PROXY takes a list of proxies; true and hop counts are refused naming it', async (t) => {
  t.equal(loadConfig({}).TRUST_PROXY, false)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.0.0/8,::1,fd00::/8,loopback' }).TRUST_PROXY, ['10.0.0.5', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback'])
  for (const value of ['true', '1', '2']) t.throws(() => loadConfig({ TRUST_PROXY: value }), /^TRUST_PROXY: true and hop counts are refused/, value)
  for (const value of ['10.0.0.300', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1,,10.0.0.2']) t.throws(() => loadConfig({ TRUST_PROXY: value }), /^TRUST_PROXY: .* is not an address or CIDR/, value)
})

test('behind a real proxy, X-Forwarded-For entries a client writes never change the address that is counted', async (t) => {
  // gatehouse trusts only the proxy's address (127.0.0.2); the client reaches the proxy from 127.0.0.1.
  const app = await build(t, { mode: 'embedded', env: { TRUST_PROXY: '127.0.0.2', LOGIN_MAX_FAILURES_PER_IP: '5', LOGIN_MAX_FAILURES_PER_USERNAME: '1000' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const upstream = (app.server.address() as AddressInfo).port
  const proxy = createServer((incoming, outgoing) => {
    const forwarded = [incoming.headers['x-forwarded-for'], incoming.socket.remoteAddress].filter(Boolean).join(', ')
    const relay = httpRequest({ host: '127.0.0.1', port: upstream, localAddress: '127.0.0.2', method: incoming.method, path: incoming.url, headers: { ...incoming.headers, 'x-forwarded-for': forwarded } }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
    })
    incoming.pipe(relay)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => await new Promise((resolve) => proxy.close(resolve)))
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/auth/login`
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.0.${i}, 203.0.113.7` }, body: JSON.stringify({ username: `nobody-${i}`, password: 'a wrong password' }) })
    statuses.push(res.status)
  }
  t.same(statuses.slice(0, 5), [401, 401, 401, 401, 401])
  t.ok(statuses.slice(5).every((status) => status === 429), `the sixth attempt on is throttled: ${statuses.join(' ')}`)
})

for (const mode of MODES) {
  test(`${mode}: failed client authentications from one address never lock the real client out from another`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const client = await registerClient(app, admin.accessToken, 'billing', ['orders:read'])
    const grant = 'grant_type=client_credentials'
    for (let i = 0; i < 12; i++) {
      await app.inject({ method: 'POST', url: '/auth/token', remoteAddress: '198.51.100.7', headers: { ...FORM, ...basicAuth(client.client_id, 'wrong') }, payload: grant })
    }
    const attacker = await app.inject({ method: 'POST', url: '/auth/token', remoteAddress: '198.51.100.7', headers: { ...FORM, ...basicAuth(client.client_id, client.client_secret) }, payload: grant })
    t.equal(attacker.statusCode, 429, 'the failing address is throttled')
    const real = await app.inject({ method: 'POST', url: '/auth/token', remoteAddress: '192.0.2.10', headers: { ...FORM, ...basicAuth(client.client_id, client.client_secret) }, payload: grant })
    t.equal(real.statusCode, 200, 'the real service, from its own address, is not')
  })

  test(`${mode}: a request with two access_token cookies is refused with 401 AUTH_INVALID_TOKEN`, async (t) => {
    const app = await build(t, { mode })
    const victim = await signedInUser(app, 'victim')
    const attacker = await signedInUser(app, 'attacker')
    const res = await app.inject({ url: '/auth/me', headers: { cookie: `access_token=${attacker.accessToken}; access_token=${victim.accessToken}` } })
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'AUTH_INVALID_TOKEN')
  })

  test(`${mode}: a client named "admin" gets a service token with no username, and /auth/me says it is a client`, async (t) => {
    const app = await build(t, { mode })
    const root = await signedInUser(app, 'root', ['admin'])
    const client = await registerClient(app, root.accessToken, 'admin', ['orders:read'])
    const token = await serviceToken(app, client)
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
    t.equal(payload.username, undefined)
    t.equal(payload.client_id, client.client_id)
    const me = await app.inject({ url: '/auth/me', headers: bearer(token) })
    t.same(me.json(), { id: client.client_id, client_id: client.client_id, roles: [], scope: 'orders:read' })
    t.equal((await app.inject({ url: '/examples/admin-panel', headers: bearer(token) })).statusCode, 403, 'and it has no admin role')
  })
}

test('ADMIN_PASSWORD_FILE, JWT_SECRET_FILE and REDIS_PASSWORD_FILE are read, less one trailing newline; a bad one exits naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-'))
  writeFileSync(join(dir, 'admin'), 'a long admin passphrase\n')
  writeFileSync(join(dir, 'secret'), `${'s'.repeat(40)}\r\n`)
  writeFileSync(join(dir, 'redis'), 'redis pass\n\n')
  const config = loadConfig({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD_FILE: join(dir, 'admin'), JWT_ALGORITHM: 'HS256', JWT_SECRET_FILE: join(dir, 'secret'), REDIS_PASSWORD_FILE: join(dir, 'redis') })
  t.equal(config.ADMIN_PASSWORD, 'a long admin passphrase')
  t.equal(config.JWT_SECRET, 's'.repeat(40))
  t.equal(config.REDIS_PASSWORD, 'redis pass\n', 'only one newline is stripped')
  t.throws(() => loadConfig({ ADMIN_PASSWORD_FILE: join(dir, 'missing') }), /^ADMIN_PASSWORD_FILE: cannot read .*ENOENT/)
  t.throws(() => loadConfig({ JWT_SECRET: 'x'.repeat(40), JWT_SECRET_FILE: join(dir, 'secret'), JWT_ALGORITHM: 'HS256' }), /^JWT_SECRET_FILE: give JWT_SECRET or JWT_SECRET_FILE, not both/)
  t.equal(loadConfig({}).METRICS_HOST, '127.0.0.1', 'metrics listen on loopback unless told otherwise')
})

test('an admin created from ADMIN_PASSWORD_FILE signs in with the file\'s password', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-'))
  writeFileSync(join(dir, 'admin'), `${PASSWORD}\n`)
  const app = await build(t, { mode: 'embedded', env: { ADMIN_USERNAME: 'boss', ADMIN_PASSWORD_FILE: join(dir, 'admin') } })
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'boss', password: PASSWORD, mode: 'token' } })
  t.equal(res.statusCode, 200)
})
