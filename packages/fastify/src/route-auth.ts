/** What a route declares it needs, in `config.auth`: public, or a valid token with roles, scopes or freshness. */
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'

const Names = Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S+$' }), { uniqueItems: true })

export const RouteAuthSchema = Type.Union([
  Type.Literal('public'),
  Type.Object({
    roles: Type.Optional(Names), // every listed role is required
    scopes: Type.Optional(Names), // every listed scope is required (service tokens)
    fresh: Type.Optional(Type.Boolean()) // the token must come straight from a password login
  }, { additionalProperties: false })
])

/**
 * The singular misspellings, typed as absent. Fastify infers a route's config type from its literal and
 * intersects it with ours, so an unknown key alone would compile; `never` here makes `{ role: [...] }` fail.
 */
interface NotMisspelt { role?: never, scope?: never }

/**
 * The schema's type, with the object branch narrowed to objects (`object & string` is never, so a misspelt
 * 'publik' cannot compile either) and refusing the singular forms.
 */
export type RouteAuth = Extract<Static<typeof RouteAuthSchema>, string> | (Exclude<Static<typeof RouteAuthSchema>, string> & NotMisspelt & object)

export const routeAuthChecker = TypeCompiler.Compile(RouteAuthSchema)

/** A short sentence for the OpenAPI document: what a caller needs. */
export function describeRouteAuth (auth: RouteAuth): string {
  if (auth === 'public') return 'Public.'
  const needs = [
    ...(auth.roles?.length ?? 0) > 0 ? [`role ${auth.roles?.join(', ')}`] : [],
    ...(auth.scopes?.length ?? 0) > 0 ? [`scope ${auth.scopes?.join(' ')}`] : [],
    ...auth.fresh === true ? ['a fresh token (from a password login)'] : []
  ]
  return needs.length === 0 ? 'Requires a valid access token.' : `Requires a valid access token with ${needs.join('; ')}.`
}

/** 'GET /orders': how errors name a route. */
export function describeRoute (route: { method: string | string[], url: string }): string {
  return `${Array.isArray(route.method) ? route.method.join(',') : route.method} ${route.url}`
}
