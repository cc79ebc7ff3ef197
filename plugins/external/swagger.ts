/** OpenAPI 3 document of every route, with each route's auth requirement shown as its security. */
import fp from 'fastify-plugin'
import swagger, { type SwaggerTransform } from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import { describeRouteAuth, routeAuthChecker } from '@gatehouse-auth/fastify'

/**
 * Protected routes accept a bearer token or the access_token cookie. Routes open to the access-token guard
 * that check another credential themselves (the token endpoint, refresh) state it in their own `security`.
 */
export const showRouteAuth: SwaggerTransform = ({ schema, url, route }) => {
  const auth: unknown = route.config?.auth
  if (!routeAuthChecker.Check(auth)) return { schema, url }
  const own = schema?.security
  const description = [schema?.description, own === undefined ? describeRouteAuth(auth) : undefined].filter(Boolean).join(' ')
  const security: ReadonlyArray<Record<string, readonly string[]>> = own !== undefined ? [...own] : auth === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }]
  return { schema: { ...schema, description, security }, url }
}

async function swaggerPlugin (fastify: FastifyInstance): Promise<void> {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gatehouse',
        description: 'JWT authentication and authorization: sessions in HTTP-only cookies for browser apps, bearer tokens for services.',
        version: '0.1.0'
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Authorization: Bearer <access token>' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'access_token', description: 'The access_token cookie; unsafe methods also need X-CSRF-Token' },
          clientBasic: { type: 'http', scheme: 'basic', description: 'A service client: client_id and client_secret (or send them as form fields)' },
          refreshCookie: { type: 'apiKey', in: 'cookie', name: 'refresh_token', description: 'The refresh_token cookie, with X-CSRF-Token (or send refresh_token in the body)' }
        }
      }
    },
    transform: showRouteAuth
  })
}

export default fp(swaggerPlugin, { name: 'swagger', fastify: '5.x' })
