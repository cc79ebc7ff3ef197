/**
 * The route guard: every route declares `config.auth` ('public', or { roles, scopes, fresh }), checked when the
 * route is registered, so a route that forgets stops the app from starting. On each request to a protected
 * route: read the token (bearer or cookie), verify it, require X-CSRF-Token for cookie-borne unsafe requests,
 * refuse revoked tokens, then check roles (all listed), scopes (all listed) and freshness.
 *
 * Verification and revocation reach it as functions, as @fastify/jwt takes `trusted`: it knows no store.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { describeRoute, routeAuthChecker, type RouteAuth } from './route-auth.js'
import { scopesOf, type Claims } from './claims.js'
import { readAccessToken } from './transport.js'
import { CSRF_HEADER, UNSAFE_METHODS, csrfMatches } from './csrf.js'
import { CsrfError, ForbiddenError, FreshTokenRequiredError, MissingTokenError, TokenRevokedError } from './errors.js'
import { markChecked } from './unseen-routes.js'

/** What a route (or a forward-auth query) requires of a valid token. */
export type Requirement = Exclude<RouteAuth, 'public'>

/** The request as the check reads it: its headers and its method (for a proxied request, the original method). */
export interface CheckedRequest {
  headers: { authorization?: string, cookie?: string, 'x-csrf-token'?: string | string[] }
  method: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The check a protected route makes, for a request described by its headers and method: the claims, or the
     * coded 401, 403 or 503 error. For forward auth, which checks the request a proxy is about to pass on.
     */
    authorize (request: CheckedRequest, requirement: Requirement): Promise<Claims>
  }
  interface FastifyContextConfig {
    /** What the route needs: 'public', or a valid access token with every listed role and scope (and freshness). */
    auth?: RouteAuth
  }
  interface FastifyRequest {
    /** The verified access token's claims on protected routes; null on public ones. */
    claims: Claims | null
    /** The claims, or AUTH_MISSING_TOKEN: for handlers of protected routes. */
    requireClaims (): Claims
  }
}

export interface AuthorizationOptions {
  /** Verifies an access token and answers its claims, or throws a coded 401 (or a 503 while it cannot tell). */
  verify: (token: string) => Promise<Claims>
  /** Asked on every protected request; true refuses with AUTH_TOKEN_REVOKED. May throw a 503 to fail closed. */
  isRevoked?: (claims: Claims) => Promise<boolean>
}

function missing (needed: readonly string[] | undefined, held: readonly string[]): string[] {
  return (needed ?? []).filter((name) => !held.includes(name))
}

/** One check for every protected request: the route guard's and forward auth's. */
export function createAuthorize ({ verify, isRevoked }: AuthorizationOptions) {
  return async function authorize (request: CheckedRequest, auth: Requirement): Promise<Claims> {
    const presented = readAccessToken(request.headers)
    const claims = await verify(presented.token)
    if (presented.via === 'cookie' && UNSAFE_METHODS.has(request.method.toUpperCase()) && !csrfMatches(claims.csrf, request.headers[CSRF_HEADER])) {
      throw new CsrfError()
    }
    if (isRevoked !== undefined && await isRevoked(claims)) throw new TokenRevokedError()
    const lacking = [...missing(auth.roles, claims.roles).map((role) => `role ${role}`), ...missing(auth.scopes, scopesOf(claims)).map((scope) => `scope ${scope}`)]
    if (lacking.length > 0) throw new ForbiddenError(lacking.join(', '))
    if (auth.fresh === true && !claims.fresh) throw new FreshTokenRequiredError()
    return claims
  }
}

async function authorization (fastify: FastifyInstance, opts: AuthorizationOptions): Promise<void> {
  if (typeof opts.verify !== 'function') throw new Error('authorization: the verify option must be a function')
  if (opts.isRevoked !== undefined && typeof opts.isRevoked !== 'function') throw new Error('authorization: the isRevoked option must be a function')
  const authorize = createAuthorize(opts)
  fastify.decorate('authorize', authorize)

  fastify.decorateRequest('claims', null)
  fastify.decorateRequest('requireClaims', function (this: FastifyRequest) {
    if (this.claims === null) throw new MissingTokenError()
    return this.claims
  })

  fastify.addHook('onRoute', (route) => {
    const auth: unknown = route.config?.auth
    if (!routeAuthChecker.Check(auth)) {
      const problem = auth === undefined ? 'declares no config.auth' : 'has an invalid config.auth'
      throw new Error(`${describeRoute(route)} ${problem}: use 'public' or { roles?, scopes?, fresh? }`)
    }
    markChecked(route)
  })

  fastify.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth
    if (auth === 'public' || request.is404) return // no route matched: the not-found handler answers 404, serving nothing
    if (auth === undefined) throw new MissingTokenError() // not declared through this plugin: refuse, never allow
    request.claims = await authorize(request, auth)
  })
}

export default fp(authorization, { name: 'gatehouse-authorization', fastify: '5.x' })
