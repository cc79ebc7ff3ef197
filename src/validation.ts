/**
 * Request validation: JSON bodies are checked as sent (a number is not a string), while querystrings,
 * params and headers, which arrive as text, are still coerced to the types their schemas declare.
 */
import { AjvCompiler } from '@fastify/ajv-compiler'
import type { Options } from 'ajv'

const factory = AjvCompiler()
type Externals = Parameters<typeof factory>[0]
type RouteDefinition = Parameters<ReturnType<typeof factory>>[0]

export function buildValidator (externalSchemas: Externals, options: { customOptions?: Options } = {}) {
  const customOptions: Options = options.customOptions ?? {}
  const coercing = factory(externalSchemas, { ...options, customOptions })
  const exact = factory(externalSchemas, { ...options, customOptions: { ...customOptions, coerceTypes: false } })
  return (route: RouteDefinition) => route.httpPart === 'body' ? exact(route) : coercing(route)
}
