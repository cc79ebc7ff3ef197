/** One contract, run against both stores: what gatehouse relies on from whichever it is given. */
import { test } from 'tap'
import { MODES, openTestStore, testLocation } from '../../support/stores.js'
import { epochSeconds } from '../../../src/ids.js'
import { startRedisServer } from '../../support/redis-server.js'
import { createSqliteStore } from '../../../src/stores/sqlite/index.js'
import type { SigningKeyRecord } from '../../../src/stores/signing-keys.js'
import type { SessionRecord } from '../../../src/stores/sessions.js'

/** A session as the store keeps it, seen at its creation from one address. */
const sessionRecord = (fields: Omit<SessionRecord, 'lastUsedAt' | 'userAgent' | 'ip'>): SessionRecord => ({ lastUsedAt: fields.createdAt, userAgent: 'test agent', ip: '192.0.2.1', ...fields })

const user = (username: string, roles: string[] = []) => ({ username, passwordHash: `hash-of-${username}`, roles })
const key = (kid: string): SigningKeyRecord => ({ kid, alg: 'ES256', material: `pem-${kid}`, createdAt: epochSeconds() })

for (const mode of MODES) {
  test(`${mode}: users`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))

    t.test('a created user is found by id and by its name in any case', async (t) => {
      const alice = await store.users.create(user('Alice', ['admin']))
      t.match(alice, { username: 'Alice', roles: ['admin'], disabled: false, passwordHash: 'hash-of-Alice' })
      t.match(alice.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      t.same(await store.users.findById(alice.id), alice)
      t.same(await store.users.findByUsername('aLICE'), alice)
      t.equal(await store.users.findById('no-such-id'), undefined)
      t.equal(await store.users.findByUsername('nobody'), undefined)
    })

    t.test('a username taken in another case is refused and changes nothing', async (t) => {
      await store.users.create(user('bob'))
      await t.rejects(store.users.create(user('BOB', ['admin'])), { code: 'USERNAME_TAKEN', statusCode: 409 })
      t.same((await store.users.findByUsername('bob'))?.roles, [])
    })

    t.test('updates change only the given fields and the update time', async (t) => {
      const carol = await store.users.create(user('carol'))
      await new Promise((resolve) => setTimeout(resolve, 5))
      const changed = await store.users.update(carol.id, { roles: ['editor'], disabled: true })
      t.match(changed, { username: 'carol', roles: ['editor'], disabled: true, passwordHash: 'hash-of-carol', createdAt: carol.createdAt })
      t.not(changed?.updatedAt, carol.updatedAt)
      const rehashed = await store.users.update(carol.id, { passwordHash: 'new-hash' })
      t.match(rehashed, { roles: ['editor'], disabled: true, passwordHash: 'new-hash' })
      t.equal(await store.users.update('no-such-id', { disabled: true }), undefined)
      t.equal(await store.users.findById('no-such-id'), undefined, 'an update never creates a user')
    })

    t.test('a deleted user is gone and its name is free again', async (t) => {
      const dave = await store.users.create(user('dave'))
      t.equal(await store.users.delete(dave.id), true)
      t.equal(await store.users.findById(dave.id), undefined)
      t.equal(await store.users.findByUsername('dave'), undefined)
      t.equal(await store.users.delete(dave.id), false)
      t.not((await store.users.create(user('Dave'))).id, dave.id)
    })
  })

  test(`${mode}: users are listed in creation order, a page at a time`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const created = []
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) created.push(await store.users.create(user(name)))
    const first = await store.users.list({ limit: 2 })
    t.same(first.map((u) => u.username), ['u1', 'u2'])
    const second = await store.users.list({ limit: 2, after: first[1]?.id })
    t.same(second.map((u) => u.username), ['u3', 'u4'])
    const last = await store.users.list({ limit: 2, after: second[1]?.id })
    t.same(last.map((u) => u.username), ['u5'])
    t.same(await store.users.list({ limit: 2, after: last[0]?.id }), [])
  })

  test(`${mode}: service clients`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const billing = await store.clients.create({ name: 'billing', secretHash: 'h1', scopes: ['orders:read'] })
    const shipping = await store.clients.create({ name: 'shipping', secretHash: 'h2', scopes: [] })
    t.same(await store.clients.findById(billing.id), billing)
    t.same((await store.clients.list({ limit: 10 })).map((c) => c.name), ['billing', 'shipping'])
    t.same((await store.clients.list({ limit: 10, after: billing.id })).map((c) => c.id), [shipping.id])
    t.equal(await store.clients.delete(billing.id), true)
    t.equal(await store.clients.delete(billing.id), false)
    t.equal(await store.clients.findById(billing.id), undefined)
  })

  test(`${mode}: the first signing key wins, also between two instances`, async (t) => {
    const location = await testLocation(t)
    const one = await openTestStore(t, mode, location)
    const two = await openTestStore(t, mode, location)
    const [a, b] = await Promise.all([one.signingKeys.initialize(key('kid-a')), two.signingKeys.initialize(key('kid-b'))])
    t.equal(a.kid, b.kid, 'both instances answer the same key')
    t.equal((await one.signingKeys.initialize(key('kid-c'))).kid, a.kid)
    t.same((await two.signingKeys.list()).map((k) => k.kid), [a.kid])
    t.equal((await one.signingKeys.list())[0]?.material, `pem-${a.kid}`)
  })

  test(`${mode}: rotation activates the next key and keeps the old one until it expires`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const now = epochSeconds()
    await store.signingKeys.initialize(key('kid-1'))
    await store.signingKeys.rotate(key('kid-2'), now + 600)
    const ring = await store.signingKeys.list()
    t.same(ring.map((k) => k.kid), ['kid-2', 'kid-1'], 'the active key first')
    t.equal(ring[0]?.retiredAt, undefined)
    t.match(ring[1], { retiredAt: Number, expiresAt: now + 600 })
    await store.signingKeys.rotate(key('kid-3'), now - 1)
    t.same((await store.signingKeys.list()).map((k) => k.kid), ['kid-3', 'kid-1'], 'a key retired with no time left is dropped')
    t.equal((await store.signingKeys.initialize(key('kid-4'))).kid, 'kid-3', 'initialize keeps the active key')
    t.equal(await store.signingKeys.rotate(key('kid-5'), now + 600, 'kid-1'), false, 'a rotation expecting another active key does nothing')
    t.equal(await store.signingKeys.rotate(key('kid-5'), now + 600, 'kid-3'), true)
    t.equal((await store.signingKeys.list())[0]?.kid, 'kid-5')
  })

  test(`${mode}: sessions rotate their refresh token once`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const now = epochSeconds()
    const session = sessionRecord({ id: 'sid-1', userId: 'user-1', refreshJti: 'jti-1', createdAt: now, expiresAt: now + 3600 })
    await store.sessions.create(session)
    t.same(await store.sessions.find('sid-1'), session)
    t.same(await store.sessions.rotate('sid-1', 'jti-1', 'jti-2', now + 7200, 0), { outcome: 'rotated', refreshJti: 'jti-2', expiresAt: now + 7200 })
    t.match(await store.sessions.find('sid-1'), { refreshJti: 'jti-2', expiresAt: now + 7200 })
    t.same(await store.sessions.rotate('sid-1', 'jti-1', 'jti-3', now + 7200, 0), { outcome: 'reused' }, 'with no grace, the old token again is a reuse')
    t.match(await store.sessions.find('sid-1'), { refreshJti: 'jti-2' }, 'a reuse changes nothing')
    t.same(await store.sessions.rotate('sid-unknown', 'jti-1', 'jti-2', now + 7200, 10), { outcome: 'missing' })
    const seen = { at: now + 5, userAgent: 'a phone', ip: '198.51.100.1' }
    t.same(await store.sessions.rotate('sid-1', 'jti-2', 'jti-3', now + 7200, 0, seen), { outcome: 'rotated', refreshJti: 'jti-3', expiresAt: now + 7200 })
    t.match(await store.sessions.find('sid-1'), { lastUsedAt: now + 5, userAgent: 'a phone', ip: '198.51.100.1', createdAt: now }, 'a rotation records where it was used')
    await store.sessions.rotate('sid-1', 'jti-2', 'jti-4', now + 7200, 0, { at: now + 9, userAgent: 'a thief', ip: '203.0.113.66' })
    t.match(await store.sessions.find('sid-1'), { userAgent: 'a phone' }, 'a reuse records nothing')
  })

  test(`${mode}: within the grace, the token just rotated away is a retry that answers the same chain`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const now = epochSeconds()
    await store.sessions.create(sessionRecord({ id: 'sid-1', userId: 'user-1', refreshJti: 'jti-1', createdAt: now, expiresAt: now + 3600 }))
    t.same(await store.sessions.rotate('sid-1', 'jti-1', 'jti-2', now + 7200, 10), { outcome: 'rotated', refreshJti: 'jti-2', expiresAt: now + 7200 })
    t.same(await store.sessions.rotate('sid-1', 'jti-1', 'jti-x', now + 9999, 10), { outcome: 'retried', refreshJti: 'jti-2', expiresAt: now + 7200 }, 'the retry gets the first answer\'s jti and expiry')
    t.same(await store.sessions.rotate('sid-1', 'jti-1', 'jti-y', now + 9999, 10), { outcome: 'retried', refreshJti: 'jti-2', expiresAt: now + 7200 }, 'again: never a fork')
    t.match(await store.sessions.find('sid-1'), { refreshJti: 'jti-2', expiresAt: now + 7200 }, 'a retry changes nothing')
    t.same(await store.sessions.rotate('sid-1', 'jti-2', 'jti-3', now + 7200, 10), { outcome: 'rotated', refreshJti: 'jti-3', expiresAt: now + 7200 }, 'the chain goes on')
    t.same(await store.sessions.rotate('sid-1', 'jti-1', 'jti-z', now + 7200, 10), { outcome: 'reused' }, 'two rotations back is reuse')
    const racing = await Promise.all([1, 2, 3, 4].map(async (n) => await store.sessions.rotate('sid-1', 'jti-3', `jti-race-${n}`, now + 7200, 10)))
    t.equal(racing.filter((r) => r.outcome === 'rotated').length, 1, 'racing repeats: one rotation')
    const chains = new Set(racing.map((r) => 'refreshJti' in r ? r.refreshJti : r.outcome))
    t.equal(chains.size, 1, 'and every answer carries the same next jti')
  })

  test(`${mode}: sessions are listed per user and deleted`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const now = epochSeconds()
    await store.sessions.create(sessionRecord({ id: 's1', userId: 'u1', refreshJti: 'j1', createdAt: now - 2, expiresAt: now + 60 }))
    await store.sessions.create(sessionRecord({ id: 's2', userId: 'u1', refreshJti: 'j2', createdAt: now - 1, expiresAt: now + 60 }))
    await store.sessions.create(sessionRecord({ id: 's3', userId: 'u2', refreshJti: 'j3', createdAt: now, expiresAt: now + 60 }))
    await store.sessions.create(sessionRecord({ id: 's4', userId: 'u1', refreshJti: 'j4', createdAt: now, expiresAt: now - 1 }))
    t.same((await store.sessions.listByUser('u1')).map((s) => s.id), ['s1', 's2'], 'an expired session is not listed')
    t.equal(await store.sessions.find('s4'), undefined, 'an expired session is not found')
    t.same(await store.sessions.rotate('s4', 'j4', 'j5', now + 60, 10), { outcome: 'missing' }, 'an expired session cannot rotate')
    t.match(await store.sessions.delete('s1'), { id: 's1', userId: 'u1' })
    t.equal(await store.sessions.delete('s1'), undefined)
    t.same((await store.sessions.listByUser('u1')).map((s) => s.id), ['s2'])
    t.same(await store.sessions.listByUser('nobody'), [])
  })

  test(`${mode}: revocations hold until their time and never shorten`, async (t) => {
    const store = await openTestStore(t, mode, await testLocation(t))
    const now = epochSeconds()
    await store.revocations.revoke({ kind: 'session', id: 'sid-1', until: now + 600 })
    await store.revocations.revoke({ kind: 'subject', id: 'client-1', until: now + 60 })
    await store.revocations.revoke({ kind: 'token', id: 'jti-old', until: now - 1 })
    t.equal(await store.revocations.isRevoked([{ kind: 'session', id: 'sid-1' }]), true)
    t.equal(await store.revocations.isRevoked([{ kind: 'subject', id: 'sid-1' }]), false, 'kinds do not mix')
    t.equal(await store.revocations.isRevoked([{ kind: 'session', id: 'sid-2' }]), false)
    t.equal(await store.revocations.isRevoked([{ kind: 'session', id: 'sid-2' }, { kind: 'subject', id: 'client-1' }]), true, 'any target revoked is enough')
    t.equal(await store.revocations.isRevoked([]), false)
    t.equal(await store.revocations.isRevoked([{ kind: 'token', id: 'jti-old' }]), false, 'a revocation past its time is gone')
    await store.revocations.revoke({ kind: 'session', id: 'sid-1', until: now + 5 })
    const active = await store.revocations.listActive()
    t.same(active.sort((a, b) => a.id.localeCompare(b.id)), [
      { kind: 'subject', id: 'client-1', until: now + 60 },
      { kind: 'session', id: 'sid-1', until: now + 600 }
    ])
  })

  test(`${mode}: a restart keeps users, keys, sessions and revocations`, async (t) => {
    const location = await testLocation(t)
    const before = await openTestStore(t, mode, location)
    const erin = await before.users.create(user('erin', ['admin']))
    const signing = await before.signingKeys.initialize(key('kid-kept'))
    await before.sessions.create(sessionRecord({ id: 'sid-kept', userId: erin.id, refreshJti: 'j', createdAt: epochSeconds(), expiresAt: epochSeconds() + 60 }))
    await before.revocations.revoke({ kind: 'session', id: 'sid-revoked', until: epochSeconds() + 60 })
    await before.close()

    const after = await openTestStore(t, mode, location)
    t.same(await after.users.findByUsername('erin'), erin)
    t.same((await after.signingKeys.list()).map((k) => k.kid), [signing.kid])
    t.equal((await after.signingKeys.initialize(key('kid-new'))).kid, 'kid-kept', 'no new key after a restart')
    t.equal((await after.sessions.find('sid-kept'))?.userId, erin.id)
    t.equal(await after.revocations.isRevoked([{ kind: 'session', id: 'sid-revoked' }]), true)
  })
}

test('redis: a store whose Redis is gone fails with SERVICE_UNAVAILABLE, quickly, and recovers', async (t) => {
  const redis = await startRedisServer()
  t.teardown(async () => await redis.stop())
  const location = { ...(await testLocation(t)), redisUrl: redis.url }
  const store = await openTestStore(t, 'redis', location)
  await store.users.create(user('frank'))
  await redis.stop()
  t.equal(await store.ping(), false)
  await t.rejects(store.users.findByUsername('frank'), { code: 'SERVICE_UNAVAILABLE', statusCode: 503 })
  await t.rejects(store.revocations.isRevoked([{ kind: 'session', id: 'x' }]), { code: 'SERVICE_UNAVAILABLE' })
  await redis.start()
  let back = false
  for (let i = 0; i < 100 && !back; i++) {
    back = await store.ping()
    if (!back) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(back, 'the store reconnects by itself')
  t.equal(await store.users.findByUsername('frank'), undefined, 'the private server keeps nothing, so the user is gone, but the call works')
})

test('embedded: the sweeper deletes expired sessions, revocations and retired keys, and nothing live', async (t) => {
  const location = await testLocation(t)
  const store = createSqliteStore({ dataDir: location.dataDir, sweepIntervalSeconds: 3600 })
  t.teardown(async () => await store.close())
  const now = epochSeconds()
  await store.sessions.create(sessionRecord({ id: 'old', userId: 'u', refreshJti: 'j', createdAt: now - 100, expiresAt: now - 1 }))
  await store.sessions.create(sessionRecord({ id: 'live', userId: 'u', refreshJti: 'j', createdAt: now, expiresAt: now + 60 }))
  await store.revocations.revoke({ kind: 'session', id: 'old', until: now - 1 })
  await store.revocations.revoke({ kind: 'session', id: 'live', until: now + 60 })
  await store.signingKeys.initialize(key('kid-1'))
  await store.signingKeys.rotate(key('kid-2'), now - 1)
  t.equal(store.sweep(), 3, 'one expired row of each kind')
  t.equal(store.sweep(), 0)
  t.equal((await store.sessions.find('live'))?.id, 'live')
  t.equal(await store.revocations.isRevoked([{ kind: 'session', id: 'live' }]), true)
  t.same((await store.signingKeys.list()).map((k) => k.kid), ['kid-2'])
})
