/** Known JWT attacks against the real app: each forged or tampered token is refused with 401 and its exact code. */
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LightMyRequestResponse } from 'fastify'
import { test, type Test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, loginWithTokens, signedInUser, type TestApp } from '../../support/auth.js'
import { decodeClaims } from '../../support/tokens.js'
import { createSigner } from 'fast-jwt'

type Json = Record<string, unknown>
/** Makes the third segment (base64url) of a token from its signing input. */
type Signer = (input: string) => string

const encode = (part: Json) => Buffer.from(JSON.stringify(part)).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)
const without = (part: Json, name: string): Json => Object.fromEntries(Object.entries(part).filter(([key]) => key !== name))

/** A token built by hand, so nothing refuses to make it; unsigned unless given a signer. */
function forge (header: Json, payload: Json, sign: Signer = () => ''): string {
  const input = `${encode(header)}.${encode(payload)}`
  return `${input}.${sign(input)}`
}

function ecdsa (key: KeyObject, hash = 'sha256'): Signer {
  return (input) => cryptoSign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')
}

function hmac (secret: string | Buffer): Signer {
  return (input) => createHmac('sha256', secret).update(input).digest('base64url')
}

/** A signed-in user's genuine access token taken apart, and the service's own key: each forgery changes one thing. */
async function victim (app: TestApp, username = 'alice', roles: string[] = []) {
  const session = await signedInUser(app, username, roles)
  const { header, payload } = decodeClaims(session.accessToken)
  const [headerPart = '', payloadPart = '', signature = ''] = session.accessToken.split('.')
  const { kid } = app.keyRing.active
  return { session, header, payload, headerPart, payloadPart, signature, kid, real: ecdsa(createPrivateKey(app.keyRing.active.signWith)) }
}

async function get (app: TestApp, token: string, url = '/auth/me') {
  return await app.inject({ url, headers: bearer(token) })
}

function refused (t: Test, res: LightMyRequestResponse, code: string, what: string) {
  t.equal(res.statusCode, 401, `${what}: 401`)
  t.match(res.json(), { statusCode: 401, code, error: 'Unauthorized', message: String }, `${what}: ${code}`)
  t.match(res.headers['www-authenticate'], /^Bearer realm="gatehouse"/, `${what}: a Bearer challenge`)
  if (code !== 'AUTH_MISSING_TOKEN') t.match(res.headers['www-authenticate'], /error="invalid_token"/, `${what}: error="invalid_token"`)
}

/** A key server an attacker would point jku or x5u at; it only records who came. */
async function attackerServer (t: Test, body: string) {
  const requests: IncomingMessage[] = []
  const server = createServer((request, response) => {
    requests.push(request)
    response.setHeader('content-type', 'application/json').end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => await new Promise((resolve) => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

for (const mode of MODES) {
  test(`${mode}: a genuine token passes, and so does one re-signed here with the service's key`, async (t) => {
    const app = await build(t, { mode })
    t.equal(app.keyRing.active.alg, 'ES256')
    const { session, header, payload, real } = await victim(app)
    t.equal((await get(app, session.accessToken)).statusCode, 200)
    t.equal((await get(app, forge(header, payload, real))).statusCode, 200, 'forge() with the real key makes valid tokens')
    t.equal((await get(app, forge(header, payload, real), '/examples/admin-panel')).statusCode, 403, 'a non-admin is forbidden')
    const admin = await victim(app, 'root', ['admin'])
    t.equal((await get(app, admin.session.accessToken, '/examples/admin-panel')).statusCode, 200)
  })

  test(`${mode}: alg none is refused in any casing, with or without a signature`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, signature } = await victim(app)
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      refused(t, await get(app, forge({ ...header, alg }, payload)), 'AUTH_INVALID_TOKEN', `${alg}, empty signature`)
      refused(t, await get(app, forge({ ...header, alg }, payload, () => signature)), 'AUTH_INVALID_TOKEN', `${alg}, original signature`)
      refused(t, await get(app, forge({ alg, typ: 'JWT' }, payload)), 'AUTH_INVALID_TOKEN', `${alg}, no kid`)
    }
  })

  test(`${mode}: HS256 signed with the public key (key confusion) is refused`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload } = await victim(app)
    const { verifyWith, publicJwk } = app.keyRing.active
    const secrets: Array<[string, string | Buffer]> = [
      ['public key PEM', verifyWith],
      ['public key PEM, trimmed', verifyWith.toString().trim()],
      ['public key DER', createPublicKey(verifyWith).export({ type: 'spki', format: 'der' })],
      ['public JWK JSON', JSON.stringify(publicJwk)],
      ['JWKS entry JSON', JSON.stringify(app.keyRing.jwks.keys[0])]
    ]
    for (const [what, secret] of secrets) {
      refused(t, await get(app, forge({ ...header, alg: 'HS256' }, payload, hmac(secret))), 'AUTH_INVALID_TOKEN', what)
    }
  })

  test(`${mode}: a payload given the admin role under its original signature is 401, not 403 or 200`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, signature } = await victim(app)
    const res = await get(app, forge(header, { ...payload, roles: ['admin'] }, () => signature), '/examples/admin-panel')
    refused(t, res, 'AUTH_INVALID_TOKEN', 'roles: [admin] added')
  })

  test(`${mode}: a stripped or spliced signature is refused`, async (t) => {
    const app = await build(t, { mode })
    const { session, headerPart, payloadPart } = await victim(app)
    const other = await victim(app, 'mallory')
    refused(t, await get(app, `${headerPart}.${payloadPart}.`), 'AUTH_INVALID_TOKEN', 'empty signature')
    refused(t, await get(app, `${headerPart}.${payloadPart}`), 'AUTH_INVALID_TOKEN', 'no signature segment')
    refused(t, await get(app, `${headerPart}.${payloadPart}.${other.signature}`), 'AUTH_INVALID_TOKEN', "another user's signature")
    const refreshSignature = session.refreshToken.split('.')[2] ?? ''
    refused(t, await get(app, `${headerPart}.${payloadPart}.${refreshSignature}`), 'AUTH_INVALID_TOKEN', "the refresh token's signature")
  })

  test(`${mode}: a kid that is a path, an injection, huge, missing or not a string is refused`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, kid, real } = await victim(app)
    const kids: unknown[] = ['../../../../etc/passwd', '/dev/null', "x' OR '1'='1", 'x'.repeat(10_000), 'x'.repeat(4000), 42, null, [kid], { kid }, `${kid} `]
    for (const bad of kids) {
      refused(t, await get(app, forge({ ...header, kid: bad }, payload, real)), 'AUTH_INVALID_TOKEN', `kid ${JSON.stringify(bad).slice(0, 40)}`)
    }
    refused(t, await get(app, forge(without(header, 'kid'), payload, real)), 'AUTH_INVALID_TOKEN', 'no kid')
  })

  test(`${mode}: keys named by the token (jwk, jku, x5u, x5c) are never used nor fetched`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, kid, real } = await victim(app)
    const attacker = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const jwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'ES256', use: 'sig' }
    const keys = await attackerServer(t, JSON.stringify({ keys: [jwk] }))
    const certificate = attacker.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
    const forged: Array<[string, Json]> = [
      ['jwk, real kid', { ...header, jwk }],
      ['jwk, no kid', { alg: 'ES256', typ: 'JWT', jwk }],
      ['jku', { ...header, kid: 'attacker', jku: `${keys.url}/jwks.json` }],
      ['x5u', { ...header, kid: 'attacker', x5u: `${keys.url}/cert.pem` }],
      ['x5c', { ...header, x5c: [certificate] }]
    ]
    for (const [what, forgedHeader] of forged) {
      refused(t, await get(app, forge(forgedHeader, payload, ecdsa(attacker.privateKey))), 'AUTH_INVALID_TOKEN', what)
    }
    const named: Json = { jku: `${keys.url}/jwks.json`, x5u: `${keys.url}/cert.pem`, jwk, x5c: [certificate] }
    for (const [name, value] of Object.entries(named)) {
      const res = await get(app, forge({ ...header, kid, [name]: value }, payload, real))
      refused(t, res, 'AUTH_INVALID_TOKEN', `the real key with a ${name} header`)
    }
    await sleep(200) // a fetch started in the background would have arrived by now
    t.equal(keys.requests.length, 0, 'the attacker key server was never asked')
  })

  test(`${mode}: an ECDSA signature of zeros (r = s = 0, psychic signature) is refused`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload } = await victim(app)
    refused(t, await get(app, forge(header, payload, () => Buffer.alloc(64).toString('base64url'))), 'AUTH_INVALID_TOKEN', '64 zero bytes')
    const derZeros = Buffer.from('3006020100020100', 'hex').toString('base64url')
    refused(t, await get(app, forge(header, payload, () => derZeros)), 'AUTH_INVALID_TOKEN', 'DER r = s = 0')
  })

  test(`${mode}: an expired token is refused, with a clock tolerance of a few seconds only`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, real } = await victim(app)
    const expiredAgo = (seconds: number) => forge(header, { ...payload, iat: now() - 900 - seconds, exp: now() - seconds }, real)
    refused(t, await get(app, expiredAgo(60)), 'AUTH_TOKEN_EXPIRED', 'exp 60 s ago')
    refused(t, await get(app, expiredAgo(30)), 'AUTH_TOKEN_EXPIRED', 'exp 30 s ago')
    t.equal((await get(app, expiredAgo(2))).statusCode, 200, 'exp 2 s ago is within the tolerance')
  })

  test(`${mode}: a token not valid before five minutes from now is refused`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, real } = await victim(app)
    refused(t, await get(app, forge(header, { ...payload, nbf: now() + 300 }, real)), 'AUTH_INVALID_TOKEN', 'nbf in 5 min')
  })

  test(`${mode}: a token missing exp, iss or aud, or with a foreign iss or aud, is refused`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, real } = await victim(app)
    for (const claim of ['exp', 'iss', 'aud']) {
      refused(t, await get(app, forge(header, without(payload, claim), real)), 'AUTH_INVALID_TOKEN', `no ${claim}`)
    }
    refused(t, await get(app, forge(header, { ...payload, iss: 'evil' }, real)), 'AUTH_INVALID_TOKEN', 'iss evil')
    refused(t, await get(app, forge(header, { ...payload, aud: 'other-service' }, real)), 'AUTH_INVALID_TOKEN', 'aud other-service')
    refused(t, await get(app, forge(header, { ...payload, aud: ['other-service'] }, real)), 'AUTH_INVALID_TOKEN', 'aud [other-service]')
  })

  test(`${mode}: a refresh token is no access token, and an access token does not refresh`, async (t) => {
    const app = await build(t, { mode })
    const { session } = await victim(app)
    refused(t, await get(app, session.refreshToken), 'AUTH_INVALID_TOKEN', 'refresh token as bearer')
    const res = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.accessToken } })
    refused(t, res, 'AUTH_INVALID_TOKEN', 'access token to /auth/refresh')
  })

  test(`${mode}: a token whose alg is not the key's algorithm is refused`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, real } = await victim(app)
    refused(t, await get(app, forge({ ...header, alg: 'ES384' }, payload, real)), 'AUTH_INVALID_TOKEN', 'header ES384, signed ES256')
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
    refused(t, await get(app, forge({ ...header, alg: 'ES384' }, payload, ecdsa(p384.privateKey, 'sha384'))), 'AUTH_INVALID_TOKEN', 'ES384 with a P-384 key')
    refused(t, await get(app, forge({ ...header, alg: 'ES512' }, payload, real)), 'AUTH_INVALID_TOKEN', 'header ES512')
  })

  test(`${mode}: an oversize or garbage token is 401, never 500`, async (t) => {
    const app = await build(t, { mode })
    const { header, payload, real } = await victim(app)
    refused(t, await get(app, forge(header, { ...payload, pad: 'x'.repeat(10_240) }, real)), 'AUTH_INVALID_TOKEN', '10 KB claim')
    const garbage = ['abc', 'a.b.c', '...', '<script>', 'eyJ.eyJ.', `${encode({ alg: 'ES256' })}.bm90IGpzb24.sig`, 'a.b.c.d.e']
    for (const token of garbage) refused(t, await get(app, token), 'AUTH_INVALID_TOKEN', `token ${token}`)
  })

  test(`${mode}: a malformed Authorization header is refused, but the scheme's case does not matter`, async (t) => {
    const app = await build(t, { mode })
    const { session } = await victim(app)
    const me = async (authorization: string) => await app.inject({ url: '/auth/me', headers: { authorization } })
    refused(t, await me('Bearer'), 'AUTH_INVALID_TOKEN', 'Bearer alone')
    const basic = await me('Basic dXNlcjpwYXNz')
    refused(t, basic, 'AUTH_MISSING_TOKEN', 'Basic credentials')
    t.equal(basic.headers['www-authenticate'], 'Bearer realm="gatehouse"', 'no error code when no bearer token was sent (RFC 6750 3.1)')
    t.equal((await me(`bearer ${session.accessToken}`)).statusCode, 200, 'lower-case scheme')
    t.equal((await me(`BEARER ${session.accessToken}`)).statusCode, 200, 'upper-case scheme')
  })

  test(`${mode}: a token replayed after logout is revoked`, async (t) => {
    const app = await build(t, { mode })
    const { session } = await victim(app)
    const again = await loginWithTokens(app, 'alice')
    t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session.accessToken) })).statusCode, 204)
    refused(t, await get(app, session.accessToken), 'AUTH_TOKEN_REVOKED', 'replayed after logout')
    t.equal((await get(app, again.accessToken)).statusCode, 200, 'the other session still works')
  })
}

test('a token issued in the future (beyond the clock skew) is refused', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  const session = await signedInUser(app, 'futurist')
  const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'))
  const now = Math.floor(Date.now() / 1000)
  const key = app.keyRing.active
  const sign = createSigner({ key: key.signWith, algorithm: key.alg, kid: key.kid, header: { alg: key.alg, typ: 'at+jwt' } })
  const future = sign({ ...claims, iat: now + 3600, exp: now + 7200 })
  const res = await app.inject({ url: '/auth/me', headers: bearer(future) })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'AUTH_INVALID_TOKEN')
})
