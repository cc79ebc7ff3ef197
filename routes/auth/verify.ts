/**
 * GET /auth/verify: forward auth for reverse proxies (nginx auth_request, Traefik ForwardAuth, Caddy forward_auth,
 * Envoy ext_authz over HTTP). It checks the proxied request's bearer or cookie token exactly as a protected route
 * does, from the local revocation view (never a store round trip), against the requirements in the query, and
 * answers 200 with the caller's identity in X-Auth-* headers for the proxy to pass upstream; else 401, 403 or 503.
 */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorReply } from '../../src/schemas/error.js'
import { scopesOf } from '@gatehouse-auth/fastify'

// Comma-separated names, as a proxy's config writes them: ?roles=admin,editor
const NameList = Type.String({ pattern: '^[^\\s,]{1,128}(,[^\\s,]{1,128}){0,31}$', description: 'comma-separated names, all required' })

const VerifyQuery = Type.Object({
  roles: Type.Optional(NameList),
  scopes: Type.Optional(NameList),
  fresh: Type.Optional(Type.Boolean({ description: 'true: only a token straight from a password login' }))
}, { additionalProperties: false })

const VerifyReply = Type.Object({
  sub: Type.String(),
  username: Type.Optional(Type.String()),
  roles: Type.Array(Type.String()),
  scope: Type.Optional(Type.String()),
  sid: Type.Optional(Type.String())
}, { description: 'The same identity as the X-Auth-* headers' })

const VerifyHeaders = Type.Object({
  'x-forwarded-method': Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,16}$', description: 'the original method (Traefik, Caddy)' })),
  'x-original-method': Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,16}$', description: 'the original method (nginx, by proxy_set_header)' }))
})

const names = (list: string | undefined) => list === undefined ? undefined : [...new Set(list.split(','))]

const verify: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/verify', {
    // The requirement comes from the query, so the route checks the token itself, with the same check.
    config: { auth: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Forward auth: may this proxied request pass?',
      description: 'For reverse proxies. The bearer token or access_token cookie of the proxied request, its original method (X-Forwarded-Method or X-Original-Method: a cookie-authenticated unsafe method needs X-CSRF-Token), and the query\'s requirements. 200 with X-Auth-Subject, X-Auth-Username (users), X-Auth-Roles, X-Auth-Scope (services), X-Auth-Session (users); else 401 with a Bearer challenge, 403 or 503. Never a store round trip.',
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
      querystring: VerifyQuery,
      headers: VerifyHeaders,
      response: { 200: VerifyReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 503: ErrorReply }
    }
  }, async (request, reply) => {
    const { roles, scopes, fresh } = request.query
    const method = request.headers['x-forwarded-method'] ?? request.headers['x-original-method'] ?? 'GET'
    const claims = await fastify.authorize({ headers: request.headers, method }, {
      ...(roles === undefined ? {} : { roles: names(roles) }),
      ...(scopes === undefined ? {} : { scopes: names(scopes) }),
      ...(fresh === true ? { fresh } : {})
    })
    const scope = scopesOf(claims).join(' ')
    reply.headers({
      'cache-control': 'no-store',
      'x-auth-subject': claims.sub,
      'x-auth-roles': claims.roles.join(','),
      ...(claims.username === undefined ? {} : { 'x-auth-username': claims.username }),
      ...(scope === '' ? {} : { 'x-auth-scope': scope }),
      ...(claims.sid === undefined ? {} : { 'x-auth-session': claims.sid })
    })
    return {
      sub: claims.sub,
      roles: claims.roles,
      ...(claims.username === undefined ? {} : { username: claims.username }),
      ...(scope === '' ? {} : { scope }),
      ...(claims.sid === undefined ? {} : { sid: claims.sid })
    }
  })
}

export default verify
