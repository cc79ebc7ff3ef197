/**
 * What must hold when changes race across instances (the last-admin guard), and when the signing key changes
 * hands (a generated key retired by a configured one, a key leaving the ring).
 */
import { test } from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, MODES } from '../helper.js'
import { bearer, createUser, signedInUser } from '../support/auth.js'
import { testLocation } from '../support/stores.js'
import { decodeClaims } from '../support/tokens.js'
import { createTokenSigner } from '../../src/tokens/sign.js'
import { fromRecord } from '../../src/keys/signing-key.js'

for (const mode of MODES) {
  test(`${mode}: two admins demoting each other at once on two instances leave one admin`, async (t) => {
    const first = await build(t, { mode })
    const second = await build(t, { mode, location: first.location })
    const ann = await signedInUser(first, 'ann', ['admin'])
    const ben = await signedInUser(first, 'ben', ['admin'])
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([
        first.inject({ method: 'PATCH', url: `/admin/users/${ben.userId}`, headers: bearer(ann.accessToken), payload: { roles: [] } }),
        second.inject({ method: 'PATCH', url: `/admin/users/${ann.userId}`, headers: bearer(ben.accessToken), payload: { roles: [] } })
      ])
      const statuses = [a.statusCode, b.statusCode].sort()
      t.ok(statuses[0] !== 200 || statuses[1] !== 200, `round ${round}: not both (${statuses.join(', ')})`)
      const admins = (await Promise.all([ann.userId, ben.userId].map(async (id) => await first.store.users.findById(id))))
        .filter((user) => user !== undefined && !user.disabled && user.roles.includes('admin'))
      t.equal(admins.length >= 1, true, `round ${round}: an enabled admin is left`)
      if (admins.length === 1) break
    }
    const lastAdmin = (await first.store.users.list({ limit: 10 })).find((user) => user.roles.includes('admin'))
    t.ok(lastAdmin, 'one admin remains')
  })

  test(`${mode}: deleting and disabling the last two admins at once leaves one`, async (t) => {
    const first = await build(t, { mode })
    const second = await build(t, { mode, location: first.location })
    const ann = await signedInUser(first, 'ann', ['admin'])
    const ben = await signedInUser(first, 'ben', ['admin'])
    const [a, b] = await Promise.all([
      first.inject({ method: 'DELETE', url: `/admin/users/${ben.userId}`, headers: bearer(ann.accessToken) }),
      second.inject({ method: 'PATCH', url: `/admin/users/${ann.userId}`, headers: bearer(ben.accessToken), payload: { disabled: true } })
    ])
    t.not(a.statusCode === 204 && b.statusCode === 200, true, `not both (${a.statusCode}, ${b.statusCode})`)
    const left = (await first.store.users.list({ limit: 10 })).filter((user) => !user.disabled && user.roles.includes('admin'))
    t.equal(left.length, 1)
  })

  test(`${mode}: switching to JWT_PRIVATE_KEY_FILE retires the generated key: old tokens pass, new ones signed with it do not`, async (t) => {
    const location = await testLocation(t)
    const before = await build(t, { mode, location, env: { REFRESH_TOKEN_TTL: '1h' } })
    const admin = await signedInUser(before, 'root', ['admin'])
    const generated = (await before.store.signingKeys.list())[0]
    t.ok(generated, 'a generated key signs at first')
    await before.close()

    const file = join(location.dataDir, 'signing-key.pem')
    writeFileSync(file, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const switchedAt = Math.floor(Date.now() / 1000)
    const after = await build(t, { mode, location, env: { REFRESH_TOKEN_TTL: '1h', JWT_PRIVATE_KEY_FILE: file } })
    t.equal((await after.inject({ url: '/admin/users', headers: bearer(admin.accessToken) })).statusCode, 200, 'a token issued before the switch still passes')
    const [retired] = await after.store.signingKeys.list()
    t.equal(retired?.kid, generated?.kid)
    t.ok(retired?.retiredAt !== undefined && retired.retiredAt >= switchedAt, 'the generated key is retired')
    t.ok((retired?.expiresAt ?? Infinity) <= (retired?.retiredAt ?? 0) + 3600 + 5, 'for at most REFRESH_TOKEN_TTL plus the skew')
    t.ok((await after.inject('/.well-known/jwks.json')).json().keys.some((key: { kid: string }) => key.kid === generated?.kid), 'published while its tokens can live')

    // Someone holding the old generated key mints a fresh admin token with it.
    if (generated === undefined) return
    const sign = createTokenSigner(() => fromRecord({ ...generated, retiredAt: undefined, expiresAt: undefined }))
    const claims = decodeClaims(admin.accessToken).payload
    const now = Math.floor(Date.now() / 1000) + 1
    const forged = sign({ ...claims, jti: 'forged', iat: now, exp: now + 600 } as Parameters<typeof sign>[0])
    const res = await after.inject({ url: '/admin/users', headers: bearer(forged) })
    t.equal(res.statusCode, 401, 'a token signed with the retired key after the switch is refused')
    t.equal(res.json().code, 'AUTH_INVALID_TOKEN')
    t.equal((await after.inject({ method: 'POST', url: '/admin/keys/rotate', headers: bearer(admin.accessToken) })).statusCode, 409, 'the configured key itself is rotated by replacing the file')
  })
}

test('redis: a key that leaves the ring stops verifying at once, tokens verified before included', async (t) => {
  const app = await build(t, { mode: 'redis', env: { REFRESH_TOKEN_TTL: '1h' } })
  await createUser(app, 'dora')
  const admin = await signedInUser(app, 'root', ['admin'])
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(admin.accessToken) })).statusCode, 200, 'verified once, and cached')
  // The operator removes the key from the store by hand (a leak): every instance drops it at its next reload.
  const kid = app.keyRing.active.kid
  await app.inject({ method: 'POST', url: '/admin/keys/rotate', headers: bearer(admin.accessToken) })
  const { Redis } = await import('ioredis')
  const redis = new Redis(app.location.redisUrl)
  t.teardown(() => redis.disconnect())
  await redis.hdel(`${app.location.prefix}{keys}:ring`, kid)
  await app.keyRing.reload()
  const res = await app.inject({ url: '/auth/me', headers: bearer(admin.accessToken) })
  t.equal(res.statusCode, 401, 'refused at once, not at its exp')
  t.equal(res.json().code, 'AUTH_INVALID_TOKEN')
})
