/**
 * RFC 9068 typing: access tokens carry `typ: at+jwt`, refresh tokens another typ and an audience of their own, so
 * a third-party verifier configured with the access audience (PyJWT, jose) never takes a refresh token for an
 * access token. Tokens of the format before the typing pass while they live, if issued before this start.
 */
import { test } from 'tap'
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { createSigner } from 'fast-jwt'
import { build } from '../helper.js'
import { bearer, signedInUser, type TestApp } from '../support/auth.js'
import { decodeClaims } from '../support/tokens.js'

const PYTHON = '/usr/bin/python3' // Debian's, with python3-jwt (PyJWT), which .ci/run installs

function legacyToken (app: TestApp, claims: Record<string, unknown>): string {
  const key = app.keyRing.active
  return createSigner({ key: key.signWith, algorithm: key.alg, kid: key.kid })(claims) // typ: JWT, as before
}

test('access tokens are at+jwt; refresh tokens are not, and their aud is the refresh endpoint', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const session = await signedInUser(app, 'alice')
  const access = decodeClaims(session.accessToken)
  const refresh = decodeClaims(session.refreshToken)
  t.equal(access.header.typ, 'at+jwt')
  t.equal(access.payload.aud, 'gatehouse')
  t.not(refresh.header.typ, 'at+jwt')
  t.equal(refresh.payload.aud, 'gatehouse/auth/refresh')
  const jwks = createLocalJWKSet((await app.inject('/.well-known/jwks.json')).json())
  const verified = await jwtVerify(session.accessToken, jwks, { issuer: 'gatehouse', audience: 'gatehouse', typ: 'at+jwt' })
  t.equal(verified.payload.sub, session.userId, 'jose takes the access token, requiring at+jwt')
  await t.rejects(jwtVerify(session.refreshToken, jwks, { issuer: 'gatehouse', audience: 'gatehouse' }), /aud/, 'and refuses the refresh token on its audience alone')
})

test('PyJWT, as its documentation shows it, accepts the access token and refuses the refresh token', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const session = await signedInUser(app, 'bob')
  const jwks = JSON.stringify((await app.inject('/.well-known/jwks.json')).json())
  const script = `
import json, sys, jwt
keys = json.loads(sys.argv[1])["keys"]
for token in sys.argv[2:]:
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK(next(k for k in keys if k["kid"] == kid)).key
    try:
        jwt.decode(token, key, algorithms=["ES256"], audience="gatehouse", issuer="gatehouse")
        print("accepted")
    except jwt.InvalidTokenError as error:
        print("refused: " + type(error).__name__)
`
  const out = execFileSync(PYTHON, ['-c', script, jwks, session.accessToken, session.refreshToken], { encoding: 'utf8' }).trim().split('\n')
  t.same(out, ['accepted', 'refused: InvalidAudienceError'])
})

test('the transition: tokens of the older format pass if issued before this start, never after', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const session = await signedInUser(app, 'carol')
  const claims = decodeClaims(session.accessToken).payload
  const before = app.tokens.untypedIssuedBefore - 1
  const oldAccess = legacyToken(app, { ...claims, jti: randomUUID(), iat: before, exp: before + 900 })
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(oldAccess) })).statusCode, 200, 'an access token issued before the upgrade still works')
  const now = Math.floor(Date.now() / 1000) + 1
  const newUntyped = legacyToken(app, { ...claims, jti: randomUUID(), iat: now, exp: now + 900 })
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(newUntyped) })).statusCode, 401, 'one issued after it is refused: new tokens are always typed')

  const refresh = decodeClaims(session.refreshToken).payload
  const oldRefresh = legacyToken(app, { ...refresh, aud: 'gatehouse', iat: before, exp: before + 3600 })
  const res = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: oldRefresh } })
  t.equal(res.statusCode, 200, 'a refresh token of the older format rotates into typed tokens')
  t.equal(decodeClaims(res.json().refresh_token).header.typ, 'refresh+jwt')
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(oldRefresh) })).statusCode, 401, 'and is never an access token')
})
