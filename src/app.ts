/** The app factory: a Fastify instance built from a validated config, ready to inject or listen. */
import { join } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import autoload from '@fastify/autoload'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import { loggerOptions } from './logger.js'
import { buildValidator } from './validation.js'
import { answerClientError } from './client-errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

export interface GatehouseOptions {
  config: Config
}

// Compiled next to this file: dist/src/app.js loads dist/plugins and dist/routes, and tests load the .ts sources.
const root = join(import.meta.dirname, '..')

/** gatehouse as a plugin: its config, then the wiring of external plugins, our own plugins, and the routes. */
async function gatehouse (fastify: FastifyInstance, { config }: GatehouseOptions): Promise<void> {
  fastify.decorate('config', config)

  // External plugins (swagger, cookies, rate limits) come first: our plugins and routes rely on them.
  await fastify.register(autoload, { dir: join(root, 'plugins/external'), forceESM: true })
  // Our plugins name their dependencies, and autoload orders them accordingly.
  await fastify.register(autoload, { dir: join(root, 'plugins/app'), forceESM: true })
  // Routes last, each folder its URL prefix; each route declares its auth requirement in config.auth.
  // Names starting with _ (at any depth: the pattern sees paths like demo/_assets/app.js) are not routes.
  await fastify.register(autoload, { dir: join(root, 'routes'), forceESM: true, ignorePattern: /(^|\/)_/ })
}

export const gatehousePlugin = fp(gatehouse, { name: 'gatehouse', fastify: '5.x' })

/** Server options shared by the service and its tests. */
export function serverOptions (config: Config, overrides: FastifyServerOptions = {}): FastifyServerOptions {
  return {
    logger: loggerOptions(config),
    bodyLimit: 64 * 1024, // every gatehouse body is small; a larger one is refused with 413
    ajv: { customOptions: { removeAdditional: false } }, // unknown fields are refused, not silently dropped
    schemaController: { compilersFactory: { buildValidator } },
    trustProxy: config.TRUST_PROXY,
    clientErrorHandler: answerClientError, // errors before routing, in the same JSON shape
    ...overrides
  }
}

export async function buildApp (config: Config, overrides: FastifyServerOptions = {}) {
  const app = Fastify(serverOptions(config, overrides)).withTypeProvider<TypeBoxTypeProvider>()
  await app.register(gatehousePlugin, { config })
  return app
}
