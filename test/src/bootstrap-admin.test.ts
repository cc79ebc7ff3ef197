import { test } from 'tap'
import { MODES, openTestStore, testLocation } from '../support/stores.js'
import { ensureAdmin } from '../../src/bootstrap-admin.js'
import { verifyPassword } from '../../src/passwords.js'

for (const mode of MODES) {
  test(`${mode}: the configured admin is created once, and an existing user is never overwritten`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    t.equal(await ensureAdmin(store.users, 'root', 'first password'), 'created')
    const admin = await store.users.findByUsername('root')
    t.same(admin?.roles, ['admin'])
    t.equal(await verifyPassword(admin?.passwordHash ?? '', 'first password'), true)

    await store.users.update(admin?.id ?? '', { roles: ['admin', 'ops'] })
    t.equal(await ensureAdmin(store.users, 'ROOT', 'second password'), 'exists')
    const after = await store.users.findByUsername('root')
    t.same(after?.roles, ['admin', 'ops'], 'roles untouched')
    t.equal(await verifyPassword(after?.passwordHash ?? '', 'first password'), true, 'password untouched')
  })

  test(`${mode}: two instances starting together create one admin`, async (t) => {
    const location = await testLocation(t)
    const one = await openTestStore(t, mode, location)
    const two = await openTestStore(t, mode, location)
    const outcomes = await Promise.all([ensureAdmin(one.users, 'root', 'password one'), ensureAdmin(two.users, 'root', 'password two')])
    t.same(outcomes.sort(), ['created', 'exists'])
    t.equal((await one.users.list({ limit: 10 })).length, 1)
  })
}
