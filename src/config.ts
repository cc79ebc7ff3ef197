/** gatehouse's configuration: one TypeBox schema of the environment, validated and decoded once at start. */
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { Type, type SchemaOptions, type StaticDecode, type TSchema } from '@sinclair/typebox'
import { Value, TransformDecodeError } from '@sinclair/typebox/value'
import { ALGORITHMS, DEFAULT_ALGORITHM, describeKeyRequirement, isHmac, keyFitsAlgorithm, minimumSecretBytes, type Algorithm } from './algorithms.js'
import { DURATION_PATTERN, parseDuration } from './duration.js'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_PATTERN } from './schemas/user.js'

/** A configuration mistake, always naming the variable at fault. */
export class ConfigError extends Error {
  constructor (readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`)
    this.name = 'ConfigError'
  }
}

// `expected` is ours: it words the one-line error for a value that fails the schema.
const Duration = (fallback: string | undefined, description: string) => Type.Transform(
  Type.String({ pattern: DURATION_PATTERN, ...(fallback === undefined ? {} : { default: fallback }), description, expected: 'a positive duration such as 900, 15m, 12h or 7d' })
).Decode((text) => {
  const seconds = parseDuration(text)
  if (seconds === undefined) throw new Error('expected a positive duration such as 900, 15m, 12h or 7d')
  return seconds
}).Encode(String)

// The same, where 0 means off.
const DurationOrOff = (fallback: string, description: string) => Type.Transform(
  Type.String({ pattern: DURATION_PATTERN, default: fallback, description, expected: 'a duration such as 10s or 1m, or 0 for off' })
).Decode((text) => {
  if (/^0+[smhd]?$/.test(text.trim())) return 0
  const seconds = parseDuration(text)
  if (seconds === undefined) throw new Error('expected a duration such as 10s or 1m, or 0 for off')
  return seconds
}).Encode(String)

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/

// Sentinels or Cluster seeds: "host:port,host:port", IPv6 addresses in brackets.
const RedisNodes = (description: string) => Type.Transform(Type.String({ description, expected: 'comma-separated host:port, such as 10.0.0.5:26379,10.0.0.6:26379' }))
  .Decode((text) => text.split(',').map((entry) => {
    const match = HOST_PORT.exec(entry.trim())
    const port = Number(match?.[3])
    if (match === null || port < 1 || port > 65535) throw new Error(`${entry.trim() === '' ? 'an empty entry' : entry.trim()} is not host:port (expected comma-separated host:port, such as 10.0.0.5:26379,10.0.0.6:26379)`)
    return { host: match[1] ?? match[2] ?? '', port }
  }))
  .Encode((nodes) => nodes.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(','))

// proxy-addr's names for ranges, which Fastify's trustProxy takes beside addresses and CIDRs.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

function isAddressOrCidr (entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true
  const [address = '', bits, extra] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
}

const TrustProxy = Type.Transform(Type.String({
  default: 'false',
  description: 'false, or the comma-separated addresses or CIDRs of your proxies, whose X-Forwarded-For is believed',
  expected: 'false, or comma-separated addresses or CIDRs of your proxies (10.0.0.5, 10.0.0.0/8)'
})).Decode((text): false | string[] => {
  const value = text.trim()
  if (value === 'false') return false
  if (value === 'true' || /^\d+$/.test(value)) {
    throw new Error('true and hop counts are refused: a client reaching gatehouse directly could then choose its own address; list your proxies\' addresses or CIDRs')
  }
  const entries = value.split(',').map((entry) => entry.trim())
  const wrong = entries.find((entry) => !isAddressOrCidr(entry))
  if (wrong !== undefined) throw new Error(`${wrong === '' ? 'an empty entry' : wrong} is not an address or CIDR (expected false, or addresses or CIDRs such as 10.0.0.5, 10.0.0.0/8)`)
  return entries
}).Encode((value) => value === false ? 'false' : value.join(','))

const RedisUrl = Type.Transform(Type.String({ description: 'redis:// or rediss:// URL; unset means embedded mode', expected: 'a redis:// or rediss:// URL' }))
  .Decode((text) => {
    let url: URL
    try { url = new URL(text) } catch { throw new Error('expected a redis:// or rediss:// URL') }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`expected a redis:// or rediss:// URL, not ${url.protocol}//`)
    if (url.hostname === '') throw new Error('the URL names no host')
    return text
  }).Encode((text) => text)

const PrivateKeyFile = Type.Transform(Type.String({ description: 'PEM file of the signing key (asymmetric algorithms)', expected: 'a path to a PEM private key' }))
  .Decode((path): { path: string, key: KeyObject } => {
    let pem: string
    try { pem = readFileSync(path, 'utf8') } catch (err) { throw new Error(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`) }
    try { return { path, key: createPrivateKey(pem) } } catch { throw new Error(`${path} holds no PEM private key`) }
  }).Encode(({ path }) => path)

const Origins = Type.Transform(Type.String({ description: 'comma-separated origins allowed with credentials', expected: 'comma-separated origins such as https://app.example.com' }))
  .Decode((text) => text.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => {
    let url: URL | undefined
    try { url = new URL(item) } catch {}
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== item.replace(/\/$/, '')) {
      throw new Error(`${item} is not an origin (scheme://host[:port], no path)`)
    }
    return url.origin
  })).Encode((origins) => origins.join(','))

const PublicUrl = Type.Transform(Type.String({ description: 'absolute URL where clients reach gatehouse, for metadata', expected: 'an absolute http(s) URL' }))
  .Decode((text) => {
    let url: URL | undefined
    try { url = new URL(text) } catch {}
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error('expected an absolute http(s) URL')
    return url.href.replace(/\/$/, '')
  }).Encode((text) => text)

const NonEmpty = (fallback: string | undefined, description: string) => Type.String({
  minLength: 1, maxLength: 256, description, expected: 'a non-empty string', ...(fallback === undefined ? {} : { default: fallback })
})

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** One of a list of strings, typed as their union (Type.Union needs a tuple, which a mapped list is not). */
function OneOf<T extends string> (values: readonly T[], options: SchemaOptions & { default: T, expected: string }) {
  return Type.Enum(Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K }, options)
}

export const ConfigSchema = Type.Object({
  HOST: NonEmpty('127.0.0.1', 'address to listen on'),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'port to listen on', expected: 'an integer from 0 to 65535' }),
  REDIS_URL: Type.Optional(RedisUrl),
  REDIS_SENTINELS: Type.Optional(RedisNodes('Redis through Sentinel: comma-separated host:port of the sentinels')),
  REDIS_SENTINEL_MASTER: NonEmpty('mymaster', 'the master name the sentinels monitor'),
  REDIS_CLUSTER_NODES: Type.Optional(RedisNodes('Redis Cluster: comma-separated host:port of some of its nodes (seeds)')),
  REDIS_TLS: Type.Boolean({ default: false, description: 'TLS to Sentinel and Cluster nodes, as rediss:// gives with REDIS_URL', expected: 'true or false' }),
  REDIS_MIN_REPLICAS: Type.Optional(Type.Integer({ minimum: 0, maximum: 16, description: 'replicas that must hold each revocation, rotation or user change before it is answered (WAIT); unset: 1 with Sentinel or Cluster, 0 with REDIS_URL', expected: 'a whole number from 0 to 16' })),
  REDIS_REPLICA_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 900, default: 500, description: 'how long a write waits for those replicas before answering 503', expected: 'milliseconds from 10 to 900' }),
  REDIS_USERNAME: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Redis ACL user (with REDIS_URL it may sit in the URL instead)', expected: 'a user name' })),
  REDIS_PASSWORD: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Redis password (or REDIS_PASSWORD_FILE); with REDIS_URL it may sit in the URL instead', expected: 'a password' })),
  REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:_{}.-]{1,64}$', default: 'gatehouse:', description: 'prefix of every Redis key', expected: 'up to 64 letters, digits and : _ { } . -' }),
  DATA_DIR: NonEmpty('./data', 'folder of the embedded SQLite database'),
  ADMIN_USERNAME: Type.Optional(Type.String({ pattern: USERNAME_PATTERN, description: 'admin created at start when absent', expected: 'a username: 1 to 64 letters, digits and . _ @ -, starting with a letter or digit' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({
    minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, description: 'password of that admin', expected: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`
  })),
  JWT_ALGORITHM: OneOf(ALGORITHMS, { default: DEFAULT_ALGORITHM, description: 'JWS signing algorithm', expected: `one of ${ALGORITHMS.join(', ')}` }),
  JWT_PRIVATE_KEY_FILE: Type.Optional(PrivateKeyFile),
  JWT_SECRET: Type.Optional(Type.String({ description: 'HMAC secret (HS* only)', expected: 'a string' })),
  JWT_ISSUER: NonEmpty('gatehouse', 'iss written and required'),
  JWT_AUDIENCE: NonEmpty('gatehouse', 'aud written and required'),
  ACCESS_TOKEN_TTL: Duration('15m', 'access token lifetime'),
  REFRESH_TOKEN_TTL: Duration('7d', 'refresh token (session) lifetime'),
  SESSION_MAX_LIFETIME: Duration('30d', 'no refresh extends a session past this age since its password login'),
  REFRESH_REUSE_GRACE: DurationOrOff('10s', 'a refresh token presented again this soon after its first use is a retry (same chain), not theft; 0: off'),
  COOKIE_SECURE: Type.Boolean({ default: true, description: 'Secure attribute on cookies', expected: 'true or false' }),
  CORS_ORIGINS: Type.Optional(Origins),
  PUBLIC_URL: Type.Optional(PublicUrl),
  LOG_LEVEL: OneOf(LOG_LEVELS, { default: 'info', description: 'pino log level', expected: `one of ${LOG_LEVELS.join(', ')}` }),
  SWEEP_INTERVAL: Duration('10m', 'how often embedded mode deletes expired rows'),
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 30, description: 'failed logins from one client address per window', expected: 'a whole number from 1' }),
  LOGIN_MAX_FAILURES_PER_USERNAME: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10, description: 'failed logins for one username per window', expected: 'a whole number from 1' }),
  LOGIN_FAILURE_WINDOW: Duration('15m', 'the window those failures are counted in'),
  RATE_LIMIT_MEMORY_KEYS: Type.Integer({ minimum: 1000, maximum: 10_000_000, default: 100_000, description: 'embedded mode: how many failure counters memory holds (about 100 bytes each); when full, the smallest counts make room', expected: 'a whole number from 1000 to 10000000' }),
  KEY_ROTATION_INTERVAL: Type.Optional(Duration(undefined, 'rotate the generated signing key this often; unset: only on demand')),
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'serve Prometheus metrics on this port (on METRICS_HOST); unset: no metrics', expected: 'an integer from 0 to 65535' })),
  METRICS_HOST: NonEmpty('127.0.0.1', 'address the metrics port listens on (not HOST: metrics are for the scraper, not the public)'),
  TRUST_PROXY: TrustProxy
})

export type Config = StaticDecode<typeof ConfigSchema>
export type Environment = Record<string, string | undefined>

/** Secrets that may come from a file instead (NAME_FILE, the container-secrets convention). */
export const FILE_VARIABLES = ['ADMIN_PASSWORD', 'JWT_SECRET', 'REDIS_PASSWORD'] as const

/** NAME from NAME_FILE when that is set: the file's text, less one trailing newline. */
function fromFiles (env: Environment): Environment {
  const resolved: Environment = { ...env }
  for (const name of FILE_VARIABLES) {
    const file = env[`${name}_FILE`]
    if (file === undefined || file === '') continue
    if (env[name] !== undefined && env[name] !== '') throw new ConfigError(`${name}_FILE`, `give ${name} or ${name}_FILE, not both`)
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '')
    } catch (err) {
      throw new ConfigError(`${name}_FILE`, `cannot read ${file} (${err instanceof Error && 'code' in err ? String(err.code) : String(err)})`)
    }
  }
  return resolved
}

/** Validates and decodes the environment; throws ConfigError naming the first variable at fault. */
export function loadConfig (environment: Environment): Config {
  const env = fromFiles(environment)
  const raw: Record<string, string> = {}
  for (const name of Object.keys(ConfigSchema.properties)) {
    const value = env[name]
    if (value !== undefined && value !== '') raw[name] = value // an empty variable counts as unset, as compose files write them
  }
  const input = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw))
  const failure = Value.Errors(ConfigSchema, input).First()
  if (failure !== undefined) {
    const variable = failure.path.split('/')[1] ?? 'configuration'
    throw new ConfigError(variable, `expected ${expectation(ConfigSchema.properties, variable)}`)
  }
  let config: Config
  try {
    config = Value.Decode(ConfigSchema, input)
  } catch (err) {
    if (err instanceof TransformDecodeError) throw new ConfigError(err.path.split('/')[1] ?? 'configuration', err.message)
    throw err
  }
  checkCombinations(config)
  return config
}

function expectation (properties: Record<string, TSchema>, variable: string): string {
  const expected: unknown = properties[variable]?.expected
  return typeof expected === 'string' ? expected : 'a valid value'
}

function checkCombinations (config: Config): void {
  if ((config.ADMIN_USERNAME === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    const missing = config.ADMIN_USERNAME === undefined ? 'ADMIN_USERNAME' : 'ADMIN_PASSWORD'
    throw new ConfigError(missing, 'ADMIN_USERNAME and ADMIN_PASSWORD go together')
  }
  const redisModes = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter((name) => config[name] !== undefined)
  if (redisModes.length > 1) throw new ConfigError(redisModes.join(', '), 'give exactly one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES')
  if (config.REFRESH_TOKEN_TTL <= config.ACCESS_TOKEN_TTL) {
    throw new ConfigError('REFRESH_TOKEN_TTL', 'must be longer than ACCESS_TOKEN_TTL')
  }
  // Each retired key stays published for REFRESH_TOKEN_TTL: rotating faster than tokens live only grows the JWKS.
  if (config.KEY_ROTATION_INTERVAL !== undefined && config.KEY_ROTATION_INTERVAL < config.ACCESS_TOKEN_TTL) {
    throw new ConfigError('KEY_ROTATION_INTERVAL', 'must be at least ACCESS_TOKEN_TTL')
  }
  checkSigningKey(config.JWT_ALGORITHM, config.JWT_SECRET, config.JWT_PRIVATE_KEY_FILE?.key)
}

function checkSigningKey (alg: Algorithm, secret: string | undefined, key: KeyObject | undefined): void {
  if (isHmac(alg)) {
    if (key !== undefined) throw new ConfigError('JWT_PRIVATE_KEY_FILE', `${alg} signs with JWT_SECRET, not a key file`)
    const minimum = minimumSecretBytes(alg)
    if (secret !== undefined && Buffer.byteLength(secret) < minimum) {
      throw new ConfigError('JWT_SECRET', `${alg} needs a secret of at least ${minimum} bytes`)
    }
    return
  }
  if (secret !== undefined) throw new ConfigError('JWT_SECRET', `only for HS256, HS384 or HS512; ${alg} signs with a key pair`)
  if (key === undefined) return
  // The same rule the verifier applies to every key it is given (an RSA-PSS-only key is refused: JWKS cannot carry it).
  if (!keyFitsAlgorithm(key, alg)) throw new ConfigError('JWT_PRIVATE_KEY_FILE', `${alg} needs ${describeKeyRequirement(alg)}`)
}
