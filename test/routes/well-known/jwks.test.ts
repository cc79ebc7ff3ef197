/** GET /.well-known/jwks.json: the public keys, never a private part, consistent with the tokens' kid. */
import { test } from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, MODES } from '../../helper.js'
import { bearer, signedInUser } from '../../support/auth.js'
import { decodeClaims } from '../../support/tokens.js'

for (const mode of MODES) {
  test(`${mode}: the JWKS lists the signing key's public half with kid, alg and use`, async (t) => {
    const app = await build(t, { mode })
    const res = await app.inject('/.well-known/jwks.json')
    t.equal(res.statusCode, 200)
    t.match(res.headers['cache-control'], /max-age=\d+/)
    const { keys } = res.json()
    t.equal(keys.length, 1)
    t.match(keys[0], { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: String, x: String, y: String })
    t.notOk('d' in keys[0], 'no private part')
    const session = await signedInUser(app, 'alice')
    t.equal(decodeClaims(session.accessToken).header.kid, keys[0].kid, 'tokens name the published key')
  })

  test(`${mode}: the generated key and its kid survive a restart`, async (t) => {
    const first = await build(t, { mode })
    const before = (await first.inject('/.well-known/jwks.json')).json()
    const session = await signedInUser(first, 'bob')
    await first.close()
    const second = await build(t, { mode, location: first.location })
    t.same((await second.inject('/.well-known/jwks.json')).json(), before)
    t.equal((await second.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200)
  })

  test(`${mode}: with an HMAC algorithm the JWKS is empty and tokens still work`, async (t) => {
    const app = await build(t, { mode, env: { JWT_ALGORITHM: 'HS256', JWT_SECRET: 's'.repeat(40) } })
    t.same((await app.inject('/.well-known/jwks.json')).json(), { keys: [] })
    const session = await signedInUser(app, 'carol')
    t.equal(decodeClaims(session.accessToken).header.alg, 'HS256')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200)
  })

  test(`${mode}: a configured key file signs, and its thumbprint is the kid`, async (t) => {
    const probe = await build(t, { mode })
    const file = join(probe.location.dataDir, 'signing.pem')
    writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const app = await build(t, { mode, env: { JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY_FILE: file } })
    const jwks = (await app.inject('/.well-known/jwks.json')).json()
    t.match(jwks.keys[0], { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
    t.match(jwks.keys[0].kid, /^[A-Za-z0-9_-]{43}$/, 'an RFC 7638 SHA-256 thumbprint')
    const session = await signedInUser(app, 'dave')
    t.equal(decodeClaims(session.accessToken).header.kid, jwks.keys[0].kid)
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200)
  })

  test(`${mode}: changing JWT_ALGORITHM signs with a new key and still verifies the old one`, async (t) => {
    const first = await build(t, { mode })
    const session = await signedInUser(first, 'erin')
    await first.close()
    const second = await build(t, { mode, location: first.location, env: { JWT_ALGORITHM: 'ES384' } })
    const { keys } = (await second.inject('/.well-known/jwks.json')).json()
    t.same(keys.map((key: { alg: string }) => key.alg), ['ES384', 'ES256'], 'the new key first, the old one still listed')
    t.equal((await second.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200, 'a token of the old key still works')
    const next = await second.inject({ method: 'POST', url: '/auth/login', payload: { username: 'erin', password: 'correct horse battery staple', mode: 'token' } })
    t.equal(decodeClaims(next.json().access_token).header.alg, 'ES384')
  })
}

test('redis: instances starting together end up with one key', async (t) => {
  const first = await build(t, { mode: 'redis' })
  const others = await Promise.all([1, 2, 3].map(async () => await build(t, { mode: 'redis', location: first.location })))
  const kids = new Set([first, ...others].map((app) => app.keyRing.active.kid))
  t.equal(kids.size, 1)
})
