/** /admin/clients: admins register and remove service clients; the secret is shown once and never listed. */
import { test } from 'tap'
import { createHash } from 'node:crypto'
import type { HTTPMethods } from 'fastify'
import { build, MODES } from '../../helper.js'
import { bearer, signedInUser, type TestApp } from '../../support/auth.js'
import { basicAuth, registerClient, requestToken, serviceToken } from '../../support/clients.js'

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000'

async function call (app: TestApp, token: string, method: HTTPMethods, url: string, payload?: Record<string, unknown>) {
  return await app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) })
}

for (const mode of MODES) {
  test(`${mode}: every /admin/clients route refuses a missing token with 401 and a non-admin with 403`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const reader = await signedInUser(app, 'reader', ['editor'])
    const client = await registerClient(app, admin.accessToken, 'billing', ['orders:read'])
    const routes: Array<[HTTPMethods, string, Record<string, unknown>?]> = [
      ['GET', '/admin/clients'],
      ['POST', '/admin/clients', { name: 'intruder', scopes: [] }],
      ['DELETE', `/admin/clients/${client.client_id}`]
    ]
    for (const [method, url, payload] of routes) {
      const anonymous = await app.inject({ method, url, ...(payload === undefined ? {} : { payload }) })
      t.equal(anonymous.statusCode, 401, `${method} ${url} without a token`)
      t.equal(anonymous.json().code, 'AUTH_MISSING_TOKEN', `${method} ${url} without a token`)
      const forbidden = await call(app, reader.accessToken, method, url, payload)
      t.equal(forbidden.statusCode, 403, `${method} ${url} as a non-admin`)
      t.equal(forbidden.json().code, 'AUTH_FORBIDDEN', `${method} ${url} as a non-admin`)
    }
    const listed = (await call(app, admin.accessToken, 'GET', '/admin/clients')).json().clients
    t.same(listed.map((c: { name: string }) => c.name), ['billing'], 'nothing was created or removed')
  })

  test(`${mode}: a service token is no admin: /admin/clients answers it 403`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const client = await registerClient(app, admin.accessToken, 'billing', ['admin'])
    const token = await serviceToken(app, client)
    const res = await call(app, token, 'GET', '/admin/clients')
    t.equal(res.statusCode, 403, 'a scope named admin is not the admin role')
    t.equal(res.json().code, 'AUTH_FORBIDDEN')
  })

  test(`${mode}: POST registers a client and shows its secret once, with Cache-Control no-store`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const res = await call(app, admin.accessToken, 'POST', '/admin/clients', { name: 'billing', scopes: ['orders:read', 'orders:write'] })
    t.equal(res.statusCode, 201)
    t.equal(res.headers['cache-control'], 'no-store')
    const body = res.json()
    t.same(Object.keys(body).sort(), ['client_id', 'client_secret', 'created_at', 'name', 'scopes'])
    t.match(body, { client_id: /^[0-9a-f-]{36}$/, name: 'billing', scopes: ['orders:read', 'orders:write'] })
    t.match(body.client_secret, /^[A-Za-z0-9_-]{43,}$/, 'at least 43 url-safe characters')
    t.ok(Number.isFinite(Date.parse(body.created_at)), 'created_at is a date')
    const other = await registerClient(app, admin.accessToken, 'billing')
    t.not(other.client_secret, body.client_secret, 'each client gets its own secret')
    t.not(other.client_id, body.client_id, 'and its own id')
    t.same(other.scopes, [], 'scopes default to none')
  })

  test(`${mode}: POST refuses an empty name, a malformed or repeated scope, and unknown fields with 400`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const bodies = [
      { name: '', scopes: [] },
      { name: 'billing', scopes: ['orders read'] },
      { name: 'billing', scopes: ['say"hi'] },
      { name: 'billing', scopes: ['orders:read', 'orders:read'] },
      { name: 'billing', scopes: [], client_secret: 'chosen by me' },
      { scopes: [] }
    ]
    for (const payload of bodies) {
      const res = await call(app, admin.accessToken, 'POST', '/admin/clients', payload)
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.equal(res.json().code, 'FST_ERR_VALIDATION', JSON.stringify(payload))
    }
    t.same((await call(app, admin.accessToken, 'GET', '/admin/clients')).json().clients, [], 'no client was registered')
  })

  test(`${mode}: GET lists the clients in creation order without any secret or hash`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const first = await registerClient(app, admin.accessToken, 'billing', ['orders:read'])
    const second = await registerClient(app, admin.accessToken, 'shipping', ['orders:read', 'parcels:write'])
    const res = await call(app, admin.accessToken, 'GET', '/admin/clients')
    t.equal(res.statusCode, 200)
    const { clients, next_cursor: nextCursor } = res.json()
    t.equal(nextCursor, null)
    t.same(clients, [
      { client_id: first.client_id, name: 'billing', scopes: ['orders:read'], created_at: first.created_at },
      { client_id: second.client_id, name: 'shipping', scopes: ['orders:read', 'parcels:write'], created_at: second.created_at }
    ])
    for (const client of [first, second]) {
      t.notOk(res.body.includes(client.client_secret), `${client.name}'s secret is not listed`)
      t.notOk(res.body.includes(createHash('sha256').update(client.client_secret).digest('hex')), `${client.name}'s secret hash is not listed`)
    }
    t.notOk(/secret|hash/i.test(res.body), 'no secret or hash field')
  })

  test(`${mode}: GET pages with next_cursor and refuses a bad limit or cursor with 400`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const ids = []
    for (const name of ['a', 'b', 'c']) ids.push((await registerClient(app, admin.accessToken, name)).client_id)
    const page1 = (await call(app, admin.accessToken, 'GET', '/admin/clients?limit=2')).json()
    t.same(page1.clients.map((c: { client_id: string }) => c.client_id), ids.slice(0, 2))
    const page2 = (await call(app, admin.accessToken, 'GET', `/admin/clients?limit=2&cursor=${page1.next_cursor}`)).json()
    t.same(page2.clients.map((c: { client_id: string }) => c.client_id), ids.slice(2))
    t.equal(page2.next_cursor, null)
    for (const query of ['limit=0', 'limit=501', 'cursor=']) {
      const res = await call(app, admin.accessToken, 'GET', `/admin/clients?${query}`)
      t.equal(res.statusCode, 400, query)
      t.equal(res.json().code, 'FST_ERR_VALIDATION', query)
    }
  })

  test(`${mode}: DELETE removes a client: 204, its token answers 401 AUTH_TOKEN_REVOKED, new requests 401 invalid_client`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const doomed = await registerClient(app, admin.accessToken, 'doomed', ['orders:read'])
    const kept = await registerClient(app, admin.accessToken, 'kept', ['orders:read'])
    const doomedToken = await serviceToken(app, doomed)
    const keptToken = await serviceToken(app, kept)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(doomedToken) })).statusCode, 200, 'the token works before')
    const res = await call(app, admin.accessToken, 'DELETE', `/admin/clients/${doomed.client_id}`)
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    const revoked = await app.inject({ url: '/auth/me', headers: bearer(doomedToken) })
    t.equal(revoked.statusCode, 401)
    t.equal(revoked.json().code, 'AUTH_TOKEN_REVOKED')
    const again = await requestToken(app, { grant_type: 'client_credentials' }, basicAuth(doomed.client_id, doomed.client_secret))
    t.equal(again.statusCode, 401)
    t.equal(again.json().error, 'invalid_client')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(keptToken) })).statusCode, 200, 'another client keeps working')
    t.equal(await serviceToken(app, kept).then(() => 'issued'), 'issued', 'and still gets tokens')
    const listed = (await call(app, admin.accessToken, 'GET', '/admin/clients')).json().clients
    t.same(listed.map((c: { client_id: string }) => c.client_id), [kept.client_id], 'the client is no longer listed')
  })

  test(`${mode}: DELETE of an unknown client, or the same client twice, answers 404 NOT_FOUND`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const unknown = await call(app, admin.accessToken, 'DELETE', `/admin/clients/${UNKNOWN_ID}`)
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().code, 'NOT_FOUND')
    const client = await registerClient(app, admin.accessToken, 'once')
    t.equal((await call(app, admin.accessToken, 'DELETE', `/admin/clients/${client.client_id}`)).statusCode, 204)
    t.equal((await call(app, admin.accessToken, 'DELETE', `/admin/clients/${client.client_id}`)).statusCode, 404)
  })
}
