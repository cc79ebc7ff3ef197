/** The token endpoint's client authentication at its edges, scope-guarded routes, and secrets never kept in clear. */
import { test } from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { build, MODES } from '../../helper.js'
import { bearer, signedInUser } from '../../support/auth.js'
import { registerClient, requestToken, serviceToken } from '../../support/clients.js'

const form = { grant_type: 'client_credentials' }
const basic = (raw: string) => ({ authorization: `Basic ${Buffer.from(raw).toString('base64')}` })
/** Every byte percent-encoded: what a client may send, and what RFC 6749 2.3.1 says the server decodes. */
const percentAll = (text: string) => [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('')

for (const mode of MODES) {
  test(`${mode}: Basic credentials are form-decoded: percent-encoded ids and secrets work, ':' splits only once`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const client = await registerClient(app, admin.accessToken, 'billing', ['orders:read'])
    const encoded = await requestToken(app, form, basic(`${percentAll(client.client_id)}:${percentAll(client.client_secret)}`))
    t.equal(encoded.statusCode, 200, 'every character percent-encoded')
    const colon = await requestToken(app, form, basic(`${client.client_id}:${client.client_secret}:extra`))
    t.equal(colon.statusCode, 401, 'a colon after the first belongs to the secret, which is then wrong')
    t.equal(colon.json().error, 'invalid_client')
    const escapedColon = await requestToken(app, form, basic(`${client.client_id}:${client.client_secret}%3A`))
    t.equal(escapedColon.statusCode, 401, 'an encoded colon is part of the secret')
    const badPercent = await requestToken(app, form, basic(`${client.client_id}:%zz`))
    t.equal(badPercent.statusCode, 401)
    t.equal(badPercent.json().error, 'invalid_client')
    t.match(badPercent.headers['www-authenticate'], /Basic/)
    const noColon = await requestToken(app, form, basic(client.client_id))
    t.equal(noColon.json().error, 'invalid_client')
  })

  test(`${mode}: the token endpoint takes form bodies only, and answers an unparsable one in the error shape, never 500`, async (t) => {
    const app = await build(t, { mode })
    const json = await app.inject({ method: 'POST', url: '/auth/token', headers: { 'content-type': 'application/json' }, payload: '{x' })
    t.equal(json.statusCode, 415)
    t.match(json.json(), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' })
    const repeated = await app.inject({ method: 'POST', url: '/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials&grant_type=x&client_id=a&client_secret=b' })
    t.equal(repeated.statusCode, 400)
    t.equal(repeated.json().error, 'invalid_request', 'a repeated parameter (RFC 6749 3.2)')
  })

  test(`${mode}: a scope-guarded route admits a service token with the scope, and refuses others with AUTH_FORBIDDEN`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const reader = await registerClient(app, admin.accessToken, 'inventory-reader', ['inventory:read', 'orders:read'])
    const token = await serviceToken(app, reader)
    const ok = await app.inject({ url: '/examples/inventory', headers: bearer(token) })
    t.equal(ok.statusCode, 200)
    t.equal(ok.json().caller, reader.client_id)
    const narrowed = await serviceToken(app, reader, 'orders:read')
    const refused = await app.inject({ url: '/examples/inventory', headers: bearer(narrowed) })
    t.equal(refused.statusCode, 403)
    t.same(refused.json(), { statusCode: 403, code: 'AUTH_FORBIDDEN', error: 'Forbidden', message: 'Missing scope inventory:read' })
    t.equal((await app.inject({ url: '/examples/inventory', headers: bearer(admin.accessToken) })).statusCode, 403, 'a user token carries no scopes, whatever its roles')
  })

  test(`${mode}: a client secret is never stored in clear`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const client = await registerClient(app, admin.accessToken, 'billing')
    await serviceToken(app, client)
    let stored = ''
    if (mode === 'embedded') {
      for (const file of readdirSync(app.location.dataDir)) stored += readFileSync(join(app.location.dataDir, file)).toString('latin1')
    } else {
      const redis = new Redis(app.location.redisUrl)
      t.teardown(() => redis.disconnect())
      const keys = await redis.keys(`${app.location.prefix.replace(/[*?[\]\\{}]/g, '\\$&')}*`)
      for (const key of keys) if (await redis.type(key) === 'hash') stored += JSON.stringify(await redis.hgetall(key))
      t.ok(keys.length > 0)
    }
    t.ok(stored.includes(client.client_id), 'the client is there')
    t.notOk(stored.includes(client.client_secret), 'its secret is not')
  })
}
