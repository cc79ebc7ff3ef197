/**
 * Embedded mode with more than one writer on the SQLite file: the operator CLI as its own process, and a second
 * service on the same DATA_DIR. What any of them revokes, the running service refuses within 1 second.
 */
import { test } from 'tap'
import { build } from '../helper.js'
import { bearer, createUser, loginWithTokens, signedInUser } from '../support/auth.js'
import { gatehouseCli } from '../support/cli.js'
import { registerClient, serviceToken } from '../support/clients.js'
import { within } from '../support/poll.js'

const SEEN_WITHIN_MS = 1000

test('embedded: `users disable` in the CLI is refused by the running service within 1 s', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const bob = await signedInUser(app, 'bob')
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(bob.accessToken) })).statusCode, 200)
  const cli = await gatehouseCli('embedded', app.location, ['users', 'disable', 'bob'])
  t.equal(cli.code, 0, cli.stderr)
  const took = await within(SEEN_WITHIN_MS, async () => (await app.inject({ url: '/auth/me', headers: bearer(bob.accessToken) })).statusCode === 401)
  t.ok(took >= 0, `refused ${took} ms after the CLI exited`)
  const refused = await app.inject({ url: '/auth/me', headers: bearer(bob.accessToken) })
  t.equal(refused.json().code, 'AUTH_TOKEN_REVOKED')
  const refresh = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: bob.refreshToken } })
  t.equal(refresh.statusCode, 401, 'and the session cannot be refreshed')
})

test('embedded: a demoted admin\'s old token cannot create an admin after `users set-roles` in the CLI', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  await createUser(app, 'root', ['admin'])
  const mallory = await signedInUser(app, 'mallory', ['admin'])
  const cli = await gatehouseCli('embedded', app.location, ['users', 'set-roles', 'mallory', 'viewer'])
  t.equal(cli.code, 0, cli.stderr)
  const took = await within(SEEN_WITHIN_MS, async () => (await app.inject({ url: '/auth/me', headers: bearer(mallory.accessToken) })).statusCode === 401)
  t.ok(took >= 0, `refused ${took} ms after the CLI exited`)
  const created = await app.inject({ method: 'POST', url: '/admin/users', headers: bearer(mallory.accessToken), payload: { username: 'sock-puppet', password: 'a long enough passphrase', roles: ['admin'] } })
  t.equal(created.statusCode, 401)
  t.equal(await app.store.users.findByUsername('sock-puppet'), undefined, 'no admin was created')
})

test('embedded: `clients remove` in the CLI stops the client\'s token within 1 s', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const admin = await signedInUser(app, 'root', ['admin'])
  const client = await registerClient(app, admin.accessToken, 'inventory-reader', ['inventory:read'])
  const token = await serviceToken(app, client)
  t.equal((await app.inject({ url: '/examples/inventory', headers: bearer(token) })).statusCode, 200)
  const cli = await gatehouseCli('embedded', app.location, ['clients', 'remove', client.client_id])
  t.equal(cli.code, 0, cli.stderr)
  const took = await within(SEEN_WITHIN_MS, async () => (await app.inject({ url: '/examples/inventory', headers: bearer(token) })).statusCode === 401)
  t.ok(took >= 0, `refused ${took} ms after the CLI exited`)
})

test('embedded: two services on one DATA_DIR see each other\'s logouts within 1 s, both ways', async (t) => {
  const first = await build(t, { mode: 'embedded' })
  const second = await build(t, { mode: 'embedded', location: first.location })
  await createUser(first, 'alice')
  for (const [writer, reader] of [[first, second], [second, first]] as const) {
    const session = await loginWithTokens(writer, 'alice')
    t.equal((await reader.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200, 'the other service accepts the token')
    t.equal((await writer.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })).statusCode, 204)
    const took = await within(SEEN_WITHIN_MS, async () => (await reader.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode === 401)
    t.ok(took >= 0, `the other service refused it ${took} ms after the logout`)
  }
})

test('embedded: the CLI works while the service writes, and a read-only look sees the service\'s users', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const logins = Promise.all(Array.from({ length: 5 }, async (_, i) => await signedInUser(app, `user-${i}`)))
  const cli = await gatehouseCli('embedded', app.location, ['users', 'add', 'carol', '--role', 'editor'], 'carol passphrase\n')
  await logins
  t.equal(cli.code, 0, cli.stderr)
  const listed = await gatehouseCli('embedded', app.location, ['users', 'list', '--json'])
  t.equal((JSON.parse(listed.stdout) as unknown[]).length, 6)
  t.ok(await app.store.users.findByUsername('carol'), 'the service sees the CLI\'s user')
})
