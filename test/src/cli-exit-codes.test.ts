/** The operator CLI as a process: exit codes (0 done, 1 refused, 2 usage) and users delete. */
import { test } from 'tap'
import { MODES, openTestStore, testLocation } from '../support/stores.js'
import { gatehouseCli } from '../support/cli.js'

test('usage errors exit 2: an unknown option or command, a missing value, set-roles without a role', async (t) => {
  const location = await testLocation(t)
  const results = await Promise.all([['users', 'list', '--jsn'], ['users', 'add', 'carol', '--role'], ['users'], ['users', 'set-roles', 'carol'], ['frobnicate']]
    .map(async (args) => ({ args, result: await gatehouseCli('embedded', location, args) })))
  for (const { args, result } of results) t.equal(result.code, 2, `${args.join(' ')}: ${result.stderr.trim().split('\n').pop() ?? ''}`)
})

for (const mode of MODES) {
  test(`${mode}: users delete removes a user, and refuses (exit 1) the last admin or an unknown name`, async (t) => {
    const location = await testLocation(t)
    const cli = async (args: string[], stdin = '') => await gatehouseCli(mode, location, args, stdin)
    t.equal((await cli(['users', 'add', 'root', '--role', 'admin'], 'root passphrase here\n')).code, 0)
    t.equal((await cli(['users', 'add', 'dave'], 'dave passphrase here\n')).code, 0)
    const lastAdmin = await cli(['users', 'delete', 'root'])
    t.equal(lastAdmin.code, 1, 'the last admin cannot be deleted: a refused change')
    t.match(lastAdmin.stderr, /no enabled admin/)
    const deleted = await cli(['users', 'delete', 'dave'])
    t.equal(deleted.code, 0, deleted.stderr)
    t.match(deleted.stdout, /^deleted \S+ {2}dave \(sessions revoked\)\n$/)
    t.equal((await cli(['users', 'delete', 'dave'])).code, 1, 'an unknown user: refused')
    const store = await openTestStore(t, mode, location)
    t.equal(await store.users.findByUsername('dave'), undefined)
  })
}
