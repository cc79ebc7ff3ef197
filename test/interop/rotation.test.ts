/** Key rotation as other services see it: the exported plugin and jose keep verifying across it, without downtime. */
import { test } from 'tap'
import Fastify from 'fastify'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import gatehouseAuth from '@gatehouse-auth/fastify'
import { build, MODES } from '../helper.js'
import { bearer, createUser, loginWithTokens } from '../support/auth.js'
import { decodeClaims } from '../support/tokens.js'

for (const mode of MODES) {
  test(`${mode}: a second service and jose accept tokens of the old and the new key after a rotation`, async (t) => {
    const gatehouse = await build(t, { mode })
    const address = await gatehouse.listen({ port: 0, host: '127.0.0.1' })
    const jwksUrl = `${address}/.well-known/jwks.json`
    const service = Fastify()
    t.teardown(async () => await service.close())
    await service.register(gatehouseAuth, { jwksUrl, issuer: 'gatehouse', audience: 'gatehouse' })
    service.get('/report', { config: { auth: { roles: ['admin'] } } }, async (request) => ({ by: request.requireClaims().username }))
    await service.ready()
    const jwks = createRemoteJWKSet(new URL(jwksUrl))

    await createUser(gatehouse, 'root', ['admin'])
    const before = await loginWithTokens(gatehouse, 'root')
    t.equal((await service.inject({ url: '/report', headers: bearer(before.accessToken) })).statusCode, 200, 'the service has fetched the first key')

    const rotation = await gatehouse.rotateSigningKey()
    const after = await loginWithTokens(gatehouse, 'root')
    t.equal(decodeClaims(after.accessToken).header.kid, rotation?.kid, 'gatehouse signs with the new key')
    t.equal((await service.inject({ url: '/report', headers: bearer(after.accessToken) })).statusCode, 200, 'the service fetches the new key on its first unknown kid')
    t.equal((await service.inject({ url: '/report', headers: bearer(before.accessToken) })).statusCode, 200, 'and still accepts the old key\'s tokens')
    for (const token of [before.accessToken, after.accessToken]) {
      const { payload } = await jwtVerify(token, jwks, { issuer: 'gatehouse', audience: 'gatehouse' })
      t.equal(payload.type, 'access', 'jose verifies it against the live JWKS')
    }
  })
}
