/**
 * Proof with a third-party client: panva's `jose` (createRemoteJWKSet + jwtVerify) verifies gatehouse's access
 * tokens against the live JWKS of a listening gatehouse, checking issuer and audience, for each signing algorithm.
 */
import { test } from 'tap'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { build } from '../helper.js'
import { signedInUser, type TestApp } from '../support/auth.js'
import { basicAuth, requestToken } from '../support/clients.js'

// The key set is the same whatever store holds it: embedded mode is enough to prove the tokens' format.
const mode = 'embedded'

async function listening (t: Parameters<typeof build>[0], env: Record<string, string> = {}) {
  const app = await build(t, { mode, env })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, jwks: createRemoteJWKSet(new URL('/.well-known/jwks.json', address)) }
}

async function serviceToken (app: TestApp, scopes: string[]): Promise<string> {
  const { client, secret } = await app.clientAdmin.create({ name: 'billing', scopes })
  const res = await requestToken(app, { grant_type: 'client_credentials' }, basicAuth(client.id, secret))
  return res.json().access_token
}

for (const alg of ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'] as const) {
  test(`jose verifies a gatehouse ${alg} user token against the live JWKS, with issuer and audience`, async (t) => {
    const { app, jwks } = await listening(t, { JWT_ALGORITHM: alg })
    const session = await signedInUser(app, 'alice', ['admin'])
    const { payload, protectedHeader } = await jwtVerify(session.accessToken, jwks, { issuer: 'gatehouse', audience: 'gatehouse', algorithms: [alg], requiredClaims: ['exp', 'jti'] })
    t.equal(protectedHeader.alg, alg)
    t.equal(protectedHeader.kid, app.keyRing.active.kid)
    t.match(payload, { sub: session.userId, type: 'access', roles: ['admin'], iss: 'gatehouse', aud: 'gatehouse' })
  })
}

test('jose verifies a client-credentials service token and reads its scope', async (t) => {
  const { app, jwks } = await listening(t)
  const token = await serviceToken(app, ['orders:read', 'orders:write'])
  const { payload } = await jwtVerify(token, jwks, { issuer: 'gatehouse', audience: 'gatehouse' })
  t.match(payload, { type: 'access', scope: 'orders:read orders:write', roles: [] })
})

test('jose refuses a gatehouse token for another issuer or audience', async (t) => {
  const { app, jwks } = await listening(t)
  const { accessToken } = await signedInUser(app, 'bob')
  await t.rejects(jwtVerify(accessToken, jwks, { issuer: 'someone-else', audience: 'gatehouse' }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' })
  await t.rejects(jwtVerify(accessToken, jwks, { issuer: 'gatehouse', audience: 'orders' }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' })
})

test('jose refuses a gatehouse token whose claims were changed', async (t) => {
  const { app, jwks } = await listening(t)
  const { accessToken } = await signedInUser(app, 'carol')
  const [header, payload, signature] = accessToken.split('.')
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())
  const forged = [header, Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url'), signature].join('.')
  t.equal(decodeProtectedHeader(forged).kid, app.keyRing.active.kid, 'the kid is gatehouse\'s')
  await t.rejects(jwtVerify(forged, jwks, { issuer: 'gatehouse', audience: 'gatehouse' }), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
})

test('the JWKS lists the signing key with kid, alg and use, and no private member', async (t) => {
  const { app } = await listening(t)
  const res = await app.inject('/.well-known/jwks.json')
  const [key, ...others] = res.json().keys
  t.same(others, [])
  t.match(key, { kid: app.keyRing.active.kid, alg: 'ES256', use: 'sig', kty: 'EC', crv: 'P-256' })
  t.notOk('d' in key)
  t.match(res.headers['cache-control'], /max-age=\d+/)
})
