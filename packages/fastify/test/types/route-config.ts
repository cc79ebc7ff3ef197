/**
 * Compile-time cases, checked by `npm run typecheck` (tsc on this file): each @ts-expect-error must meet an
 * error, so a typing that let a misspelt requirement through would fail the build.
 */
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import gatehouseAuth, { type Claims, type RevocationRedis, type RouteAuth } from '../../src/index.js'

declare module '../../src/index.js' {
  interface CustomClaims {
    tenant?: string
  }
}

const app = Fastify()
app.register(gatehouseAuth, { jwksUrl: 'https://auth.example.com/.well-known/jwks.json', issuer: 'gatehouse', audience: 'gatehouse' })

app.get('/health', { config: { auth: 'public' } }, async () => 'ok')
app.get('/admin', { config: { auth: { roles: ['admin'], scopes: ['orders:read'], fresh: true } } }, async (request) => {
  const claims: Claims = request.requireClaims()
  const roles: string[] = claims.roles
  const tenant: string | undefined = claims.tenant // a claim of the service's own, declared above
  // @ts-expect-error a claim nobody declared is not there
  const other: unknown = claims.department
  return { roles, tenant, other, current: request.claims?.sub }
})

// @ts-expect-error 'publik' is not a requirement
app.get('/typo', { config: { auth: 'publik' } }, async () => 'x')

// @ts-expect-error `role` is not `roles`
app.get('/typo-roles', { config: { auth: { role: ['admin'] } } }, async () => 'x')

// @ts-expect-error `scope` is not `scopes`
app.get('/typo-scopes', { config: { auth: { scope: ['orders:read'] } } }, async () => 'x')

// Any other unknown key is refused by the type of the requirement itself, and by the check at registration.
// @ts-expect-error `admin` is not a requirement
const typoOther: RouteAuth = { admin: true }

// @ts-expect-error roles are a list of names
app.get('/typo-shape', { config: { auth: { roles: 'admin' } } }, async () => 'x')

// @ts-expect-error a misspelt option does not compile either
app.register(gatehouseAuth, { jwksURL: 'https://auth.example.com/.well-known/jwks.json', issuer: 'gatehouse', audience: 'gatehouse' })

// An ioredis client is what the redis option takes, with no cast.
const redis: RevocationRedis = new Redis({ lazyConnect: true })
app.register(gatehouseAuth, { jwksUrl: 'https://auth.example.com/.well-known/jwks.json', issuer: 'gatehouse', audience: 'gatehouse', redis })

export { typoOther }
