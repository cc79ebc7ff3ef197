/** Builds the real app for a test, on real SQLite or a real Redis, and closes it when the test ends. */
import type { FastifyServerOptions } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig, type Environment } from '../src/config.js'
import { testLocation, type Mode, type TestLocation, type Teardown } from './support/stores.js'

export { MODES, type Mode } from './support/stores.js'

export interface BuildOptions {
  mode: Mode
  env?: Environment
  /** Share data with another app (a restart, or a second instance). */
  location?: TestLocation
  server?: FastifyServerOptions
}

/** The environment a test app runs with: quiet, plain-http cookies, and its own data. */
export function testEnvironment (mode: Mode, location: TestLocation, env: Environment = {}): Environment {
  return {
    LOG_LEVEL: 'silent',
    COOKIE_SECURE: 'false',
    DATA_DIR: location.dataDir,
    REDIS_PREFIX: location.prefix,
    ...(mode === 'redis' ? { REDIS_URL: location.redisUrl } : {}),
    ...env
  }
}

export async function build (t: Teardown, opts: BuildOptions) {
  const location = opts.location ?? await testLocation(t)
  const config = loadConfig(testEnvironment(opts.mode, location, opts.env))
  const app = await buildApp(config, opts.server)
  t.teardown(async () => await app.close())
  await app.ready()
  return Object.assign(app, { location })
}
