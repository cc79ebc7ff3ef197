/** GET /.well-known/oauth-authorization-server: RFC 8414 metadata that agrees with the tokens and the routes. */
import { test } from 'tap'
import { build, MODES } from '../../helper.js'
import { bearer, signedInUser } from '../../support/auth.js'
import { registerClient, serviceToken } from '../../support/clients.js'
import { decodeClaims } from '../../support/tokens.js'

const URL_PATH = '/.well-known/oauth-authorization-server'

for (const mode of MODES) {
  test(`${mode}: the metadata names the tokens' issuer and builds its URLs from the request's host`, async (t) => {
    const app = await build(t, { mode })
    const res = await app.inject({ url: URL_PATH, headers: { host: 'gatehouse.test:8443' } })
    t.equal(res.statusCode, 200)
    const metadata = res.json()
    t.equal(metadata.issuer, 'gatehouse')
    t.equal(metadata.token_endpoint, 'http://gatehouse.test:8443/auth/token')
    t.equal(metadata.jwks_uri, 'http://gatehouse.test:8443/.well-known/jwks.json')
    t.ok(metadata.grant_types_supported.includes('client_credentials'))
    t.ok(metadata.token_endpoint_auth_methods_supported.includes('client_secret_basic'))
    t.ok(metadata.token_endpoint_auth_methods_supported.includes('client_secret_post'))
    const session = await signedInUser(app, 'root', ['admin'])
    t.equal(decodeClaims(session.accessToken).payload.iss, metadata.issuer, 'a user token carries the issuer')
    const client = await registerClient(app, session.accessToken, 'billing', ['orders:read'])
    t.equal(decodeClaims(await serviceToken(app, client)).payload.iss, metadata.issuer, 'a service token carries the issuer')
  })

  test(`${mode}: the advertised endpoints are served at those paths`, async (t) => {
    const app = await build(t, { mode })
    const metadata = (await app.inject({ url: URL_PATH })).json()
    const jwks = await app.inject({ url: new URL(metadata.jwks_uri).pathname })
    t.equal(jwks.statusCode, 200)
    t.ok(Array.isArray(jwks.json().keys))
    const token = await app.inject({ method: 'POST', url: new URL(metadata.token_endpoint).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' })
    t.equal(token.json().error, 'invalid_client', 'the token endpoint answers as one')
  })

  test(`${mode}: a custom JWT_ISSUER and PUBLIC_URL are what the metadata says, whatever the host header`, async (t) => {
    const app = await build(t, { mode, env: { JWT_ISSUER: 'https://auth.example.com', PUBLIC_URL: 'https://auth.example.com' } })
    const metadata = (await app.inject({ url: URL_PATH, headers: { host: 'internal.local:3000' } })).json()
    t.equal(metadata.issuer, 'https://auth.example.com')
    t.equal(metadata.token_endpoint, 'https://auth.example.com/auth/token')
    t.equal(metadata.jwks_uri, 'https://auth.example.com/.well-known/jwks.json')
    const session = await signedInUser(app, 'root', ['admin'])
    t.equal(decodeClaims(session.accessToken).payload.iss, 'https://auth.example.com', 'tokens carry the same issuer')
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.accessToken) })).statusCode, 200, 'and are accepted')
  })

  test(`${mode}: a PUBLIC_URL with a path and a trailing slash gives URLs under that path without a double slash`, async (t) => {
    const app = await build(t, { mode, env: { PUBLIC_URL: 'https://example.com/gatehouse/' } })
    const metadata = (await app.inject({ url: URL_PATH })).json()
    t.equal(metadata.token_endpoint, 'https://example.com/gatehouse/auth/token')
    t.equal(metadata.jwks_uri, 'https://example.com/gatehouse/.well-known/jwks.json')
  })

  test(`${mode}: the metadata names no client's scopes: it is public, and tells nobody which services exist`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    await registerClient(app, admin.accessToken, 'billing', ['orders:read', 'invoices:write'])
    const metadata = (await app.inject({ url: URL_PATH })).json()
    t.notOk('scopes_supported' in metadata)
    t.notMatch(JSON.stringify(metadata), /orders:read|invoices:write/)
  })

  test(`${mode}: the metadata is public`, async (t) => {
    const app = await build(t, { mode })
    const res = await app.inject({ url: URL_PATH, headers: { authorization: 'Bearer not-a-token' } })
    t.equal(res.statusCode, 200, 'even a bad token does not stand in the way')
  })
}
