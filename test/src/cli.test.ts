/** The operator CLI: its commands on both stores, with the API's validation, and the program itself as a process. */
import { test } from 'tap'
import { MODES, openTestStore, testLocation } from '../support/stores.js'
import { gatehouseCli } from '../support/cli.js'
import { verifyPassword } from '../../src/passwords.js'
import { runCommand, type CommandOptions } from '../../src/cli/commands.js'
import { createSessionRevoker } from '../../src/sessions/revoke.js'
import { createUserAdmin } from '../../src/admin/users.js'
import { createClientAdmin } from '../../src/admin/clients.js'
import { rotateSigningKey } from '../../src/keys/rotate.js'
import { generateSigningKey } from '../../src/keys/generate.js'
import type { Store } from '../../src/stores/store.js'
import { createApiKeyService } from '../../src/sessions/api-keys.js'
import { epochSeconds } from '../../src/ids.js'

const gatehouse = gatehouseCli

function commands (store: Store) {
  const revoker = createSessionRevoker(store, 3600)
  const context = {
    users: createUserAdmin(store.users, revoker),
    clients: createClientAdmin(store.clients, revoker),
    userStore: store.users,
    apiKeys: createApiKeyService({ store, revoker }),
    rotateKey: async () => await rotateSigningKey(store.signingKeys, 'ES256', 3600)
  }
  return async (words: string[], options: Partial<CommandOptions> = {}) =>
    await runCommand(words, { roles: [], scopes: [], password: undefined, json: false, readPassword: async () => '', ...options }, context)
}

for (const mode of MODES) {
  test(`${mode}: the gatehouse program adds a user from standard input and lists it`, async (t) => {
    const location = await testLocation(t)
    const added = await gatehouse(mode, location, ['users', 'add', 'alice', '--role', 'editor'], 'alice-password-1\n')
    t.equal(added.code, 0, added.stderr)
    t.match(added.stdout, /^created \S+ {2}alice {2}roles=editor\n$/)
    const weak = await gatehouse(mode, location, ['users', 'add', 'bob', '--password', 'password123'])
    t.equal(weak.code, 1)
    t.equal(weak.stderr, `gatehouse: store: ${mode === 'redis' ? 'Redis' : `SQLite in ${location.dataDir}`}\ngatehouse: The password is one of the most common passwords\n`, 'stderr names the store, then the reason')
    const listed = await gatehouse(mode, location, ['users', 'list', '--json'])
    t.match(JSON.parse(listed.stdout), [{ username: 'alice', roles: ['editor'], disabled: false }])
    const store = await openTestStore(t, mode, location)
    t.equal(await verifyPassword((await store.users.findByUsername('alice'))?.passwordHash ?? '', 'alice-password-1'), true)
  })

  test(`${mode}: users get roles, are disabled and enabled, and the last admin is kept`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const run = commands(store)
    await run(['users', 'add', 'root'], { password: 'root-password', roles: ['admin'] })
    await run(['users', 'add', 'carol'], { readPassword: async () => 'carol-password' })
    t.match(await run(['users', 'set-roles', 'carol', 'admin', 'editor']), /roles=admin,editor/)
    t.match(await run(['users', 'disable', 'ROOT']), /disabled/)
    await t.rejects(run(['users', 'disable', 'carol']), { code: 'LAST_ADMIN' }, 'carol is now the only enabled admin')
    t.match(await run(['users', 'enable', 'root']), /^enabled/)
    t.match(await run(['users', 'list']), /root {2}roles=admin\n\S+ {2}carol {2}roles=admin,editor$/)
  })

  test(`${mode}: the CLI refuses what the API refuses, and changes nothing`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const run = commands(store)
    await t.rejects(run(['users', 'add', 'bad name'], { password: 'long enough pass' }), { name: 'UsageError' })
    await t.rejects(run(['users', 'add', 'dave'], { password: 'long enough pass', roles: ['no spaces allowed'] }), { name: 'UsageError' })
    await t.rejects(run(['users', 'add', 'dave'], { password: 'short' }), { code: 'WEAK_PASSWORD' })
    await run(['users', 'add', 'dave'], { password: 'dave-password' })
    await t.rejects(run(['users', 'add', 'DAVE'], { password: 'dave-password' }), { code: 'USERNAME_TAKEN' })
    await t.rejects(run(['users', 'disable', 'nobody']), { message: 'no user named nobody' })
    await t.rejects(run(['clients', 'add', 'x'], { scopes: ['bad"scope'] }), { name: 'UsageError' })
    await t.rejects(run(['clients', 'add']), { name: 'UsageError' })
    await t.rejects(run(['clients', 'remove']), { name: 'UsageError' })
    await t.rejects(run(['nonsense']), { name: 'UsageError' })
    t.same(JSON.parse(await run(['users', 'list'], { json: true })).map((user: { username: string }) => user.username), ['dave'])
    t.equal(await run(['clients', 'list']), '')
  })

  test(`${mode}: a user's API keys are listed (never the keys) and revoked`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const run = commands(store)
    await run(['users', 'add', 'erin'], { password: 'erin-password' })
    const erin = await store.users.findByUsername('erin')
    const now = epochSeconds()
    await store.apiKeys.create({ id: 'key-1', userId: erin?.id ?? '', name: 'ci', roles: [], createdAt: now, expiresAt: now + 3600, keyHash: 'f'.repeat(64) })
    t.match(JSON.parse(await run(['users', 'api-keys', 'erin'], { json: true })), [{ id: 'key-1', name: 'ci', roles: [] }])
    t.notMatch(await run(['users', 'api-keys', 'erin']), /f{64}/, 'never the hash either')
    t.match(await run(['users', 'revoke-api-key', 'erin', 'key-1']), /^revoked API key key-1 of erin$/)
    t.equal(await store.revocations.isRevoked([{ kind: 'token', id: 'key-1' }]), true, 'revoked in the store, for every instance')
    t.equal(await run(['users', 'api-keys', 'erin']), '')
    await t.rejects(run(['users', 'revoke-api-key', 'erin', 'key-1']), { message: 'erin has no API key key-1' })
    await t.rejects(run(['users', 'revoke-api-key', 'erin']), { name: 'UsageError' })
  })

  test(`${mode}: clients are added with a secret shown once, listed, and removed`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const run = commands(store)
    const client = JSON.parse(await run(['clients', 'add', 'billing'], { scopes: ['orders:read'], json: true }))
    t.match(client, { client_id: String, client_secret: /^[A-Za-z0-9_-]{43}$/, name: 'billing', scopes: ['orders:read'] })
    t.match(await run(['clients', 'add', 'shipping']), /^client_id=\S+\nclient_secret=\S{43}\n/)
    const listed = await run(['clients', 'list'])
    t.match(listed, new RegExp(`^${client.client_id} {2}billing {2}scopes=orders:read$`, 'm'))
    t.notOk(listed.includes(client.client_secret))
    t.match(await run(['clients', 'remove', client.client_id]), /^removed/)
    t.same(JSON.parse(await run(['clients', 'list'], { json: true })).map((c: { name: string }) => c.name), ['shipping'])
    await t.rejects(run(['clients', 'remove', client.client_id]), { code: 'NOT_FOUND' })
  })
}

for (const mode of MODES) {
  test(`${mode}: keys rotate makes a new signing key and keeps the old one verifying`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const first = await store.signingKeys.initialize(generateSigningKey('ES256'))
    const output = await commands(store)(['keys', 'rotate'])
    const ring = await store.signingKeys.list()
    t.equal(ring.length, 2)
    t.not(ring[0]?.kid, first.kid, 'a new key signs')
    t.equal(ring[1]?.kid, first.kid, 'the old one stays, verify-only')
    t.match(output, new RegExp(`^new signing key ${ring[0]?.kid ?? ''} \\(ES256\\); ${first.kid} verifies until \\d{4}-`))
  })
}

test('help prints the usage; no command is a usage error', async (t) => {
  const location = await testLocation(t)
  const help = await gatehouse('embedded', location, ['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^Usage: gatehouse/)
  t.equal((await gatehouse('embedded', location, [])).code, 2)
})
