/** Key rotation: a new key signs at once, on every instance within seconds; old tokens keep working. */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, createUser, loginWithTokens, signedInUser } from '../../support/auth.js'
import { decodeClaims } from '../../support/tokens.js'
import { within } from '../../support/poll.js'

for (const mode of MODES) {
  test(`${mode}: an admin rotates the key; new tokens use it, old tokens and sessions keep working`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const oldKid = app.keyRing.active.kid
    const res = await app.inject({ method: 'POST', url: '/admin/keys/rotate', headers: bearer(admin.accessToken) })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.match(body, { kid: String, alg: 'ES256', retired_kid: oldKid, retired_until: /^\d{4}-/ })
    t.not(body.kid, oldKid)
    t.ok(Date.parse(body.retired_until) >= Date.now() + 7 * 86400 * 1000, 'the old key stays for the refresh-token lifetime')
    const jwks = (await app.inject('/.well-known/jwks.json')).json()
    t.same(jwks.keys.map((key: { kid: string }) => key.kid), [body.kid, oldKid], 'both keys are published, the new one first')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(admin.accessToken) })).statusCode, 200, 'a token of the old key still works')
    const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: admin.refreshToken } })
    t.equal(refreshed.statusCode, 200, 'the session survives the rotation')
    t.equal(decodeClaims(refreshed.json().access_token).header.kid, body.kid, 'and its new tokens use the new key')
  })

  test(`${mode}: only admins rotate, and a configured key is not rotated`, async (t) => {
    const app = await build(t, { mode })
    const user = await signedInUser(app, 'alice')
    t.equal((await app.inject({ method: 'POST', url: '/admin/keys/rotate', headers: bearer(user.accessToken) })).statusCode, 403)
    const configured = await build(t, { mode, env: { JWT_ALGORITHM: 'HS256', JWT_SECRET: 'k'.repeat(32) } })
    const admin = await signedInUser(configured, 'root', ['admin'])
    const res = await configured.inject({ method: 'POST', url: '/admin/keys/rotate', headers: bearer(admin.accessToken) })
    t.equal(res.statusCode, 409)
    t.equal(res.json().code, 'KEY_CONFIGURED')
  })

  test(`${mode}: the JWKS and the tokens' kid stay consistent across a rotation and a restart`, async (t) => {
    const first = await build(t, { mode })
    const session = await signedInUser(first, 'bob')
    await first.rotateSigningKey()
    const jwks = (await first.inject('/.well-known/jwks.json')).json()
    await first.close()
    const second = await build(t, { mode, location: first.location })
    t.same((await second.inject('/.well-known/jwks.json')).json(), jwks)
    t.equal(second.keyRing.active.kid, jwks.keys[0].kid)
    t.equal((await second.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200)
  })

  test(`${mode}: with KEY_ROTATION_INTERVAL the key rotates by itself`, async (t) => {
    const app = await build(t, { mode, env: { KEY_ROTATION_INTERVAL: '1', ACCESS_TOKEN_TTL: '1', REFRESH_TOKEN_TTL: '60' } })
    const first = app.keyRing.active.kid
    t.ok(await within(5000, () => app.keyRing.active.kid !== first) >= 0, 'rotated within a few seconds')
    t.ok(app.keyRing.jwks.keys.some((key) => key.kid === first), 'the old key still verifies')
  })
}

test('redis: a rotation on one instance reaches the others within seconds, and both keys verify everywhere', async (t) => {
  const a = await build(t, { mode: 'redis' })
  const b = await build(t, { mode: 'redis', location: a.location })
  await createUser(a, 'carol')
  const before = await loginWithTokens(b, 'carol')
  const rotation = await a.rotateSigningKey()
  const after = await loginWithTokens(a, 'carol')
  t.equal(decodeClaims(after.accessToken).header.kid, rotation?.kid)
  t.equal((await b.inject({ url: '/auth/me', headers: bearer(after.accessToken) })).statusCode, 200, 'B verifies the new key at once (an unknown kid makes it reload)')
  t.equal((await a.inject({ url: '/auth/me', headers: bearer(before.accessToken) })).statusCode, 200)
  t.ok(await within(7000, () => b.keyRing.active.kid === rotation?.kid) >= 0, 'B signs with the new key within seconds')
})

test('redis: instances with different JWT_ALGORITHM rotate once at start, never on reload, and verify each other', async (t) => {
  const a = await build(t, { mode: 'redis' })
  const b = await build(t, { mode: 'redis', location: a.location, env: { JWT_ALGORITHM: 'ES384' } })
  t.equal(b.keyRing.active.alg, 'ES384', 'the instance with the new setting rotated at start')
  await a.keyRing.reload()
  await b.keyRing.reload()
  const ring = await a.store.signingKeys.list()
  t.same(ring.map((key) => key.alg), ['ES384', 'ES256'], 'a reload on the old-setting instance rotated nothing back')
  await createUser(a, 'dave')
  const fromB = await loginWithTokens(b, 'dave')
  t.equal((await a.inject({ url: '/auth/me', headers: bearer(fromB.accessToken) })).statusCode, 200, 'A verifies an ES384 token although it was started with ES256')
})
