import { test } from 'tap'
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, ConfigError } from '../../src/config.js'
import { redisSettingsOf } from '../../src/stores/redis/connection.js'
import { replicasToWaitFor } from '../../src/stores/redis/index.js'

function pemFile (dir: string, name: string, privateKey: KeyObject): string {
  const path = join(dir, name)
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }))
  return path
}

function failure (env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.message
    throw err
  }
  throw new Error('configuration was accepted')
}

test('an empty environment gives the documented defaults', async (t) => {
  const config = loadConfig({})
  t.equal(config.HOST, '127.0.0.1')
  t.equal(config.PORT, 3000)
  t.equal(config.REDIS_URL, undefined)
  t.equal(config.DATA_DIR, './data')
  t.equal(config.JWT_ALGORITHM, 'ES256')
  t.equal(config.JWT_ISSUER, 'gatehouse')
  t.equal(config.JWT_AUDIENCE, 'gatehouse')
  t.equal(config.ACCESS_TOKEN_TTL, 900)
  t.equal(config.REFRESH_TOKEN_TTL, 7 * 86400)
  t.equal(config.COOKIE_SECURE, true)
  t.equal(config.LOG_LEVEL, 'info')
  t.equal(config.REDIS_PREFIX, 'gatehouse:')
})

test('durations are read as seconds or with one unit', async (t) => {
  t.equal(loadConfig({ ACCESS_TOKEN_TTL: '900' }).ACCESS_TOKEN_TTL, 900)
  t.equal(loadConfig({ ACCESS_TOKEN_TTL: '90s' }).ACCESS_TOKEN_TTL, 90)
  t.equal(loadConfig({ ACCESS_TOKEN_TTL: '2h' }).ACCESS_TOKEN_TTL, 7200)
  t.equal(loadConfig({ REFRESH_TOKEN_TTL: '30d' }).REFRESH_TOKEN_TTL, 30 * 86400)
  t.equal(loadConfig({}).REFRESH_REUSE_GRACE, 10, 'the reuse grace defaults to 10 s')
  t.equal(loadConfig({ REFRESH_REUSE_GRACE: '0' }).REFRESH_REUSE_GRACE, 0, '0 turns it off')
  t.equal(loadConfig({ REFRESH_REUSE_GRACE: '30s' }).REFRESH_REUSE_GRACE, 30)
})

test('values are converted from their text', async (t) => {
  const config = loadConfig({ PORT: '8080', COOKIE_SECURE: 'false', CORS_ORIGINS: 'http://localhost:5173, https://app.example.com/', REDIS_URL: 'rediss://user:pw@redis.internal:6380/2' })
  t.equal(config.PORT, 8080)
  t.equal(config.COOKIE_SECURE, false)
  t.same(config.CORS_ORIGINS, ['http://localhost:5173', 'https://app.example.com'])
  t.equal(config.REDIS_URL, 'rediss://user:pw@redis.internal:6380/2')
})

test('an empty variable counts as unset', async (t) => {
  t.equal(loadConfig({ REDIS_URL: '', PORT: '' }).REDIS_URL, undefined)
})

test('each kind of bad configuration is refused with a line naming its variable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'))
  const notAKey = join(dir, 'notes.txt')
  writeFileSync(notAKey, 'not a key')
  const rsa = pemFile(dir, 'rsa.pem', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['unknown algorithm', { JWT_ALGORITHM: 'none' }, /^JWT_ALGORITHM: expected one of ES256/],
    ['lower-case algorithm', { JWT_ALGORITHM: 'hs256' }, /^JWT_ALGORITHM: /],
    ['unreadable key file', { JWT_PRIVATE_KEY_FILE: join(dir, 'missing.pem') }, /^JWT_PRIVATE_KEY_FILE: cannot read .*ENOENT/],
    ['key path that is a folder', { JWT_PRIVATE_KEY_FILE: dir }, /^JWT_PRIVATE_KEY_FILE: cannot read .*EISDIR/],
    ['key file that holds no key', { JWT_PRIVATE_KEY_FILE: notAKey }, /^JWT_PRIVATE_KEY_FILE: .* holds no PEM private key/],
    ['key of the wrong type', { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: rsa }, /^JWT_PRIVATE_KEY_FILE: ES256 needs an ec key on prime256v1/],
    ['key file with an HMAC algorithm', { JWT_ALGORITHM: 'HS256', JWT_PRIVATE_KEY_FILE: rsa }, /^JWT_PRIVATE_KEY_FILE: HS256 signs with JWT_SECRET/],
    ['short HMAC secret', { JWT_ALGORITHM: 'HS256', JWT_SECRET: 'x'.repeat(31) }, /^JWT_SECRET: HS256 needs a secret of at least 32 bytes/],
    ['HS512 secret shorter than its hash', { JWT_ALGORITHM: 'HS512', JWT_SECRET: 'x'.repeat(40) }, /^JWT_SECRET: HS512 needs a secret of at least 64 bytes/],
    ['secret with an asymmetric algorithm', { JWT_SECRET: 'x'.repeat(64) }, /^JWT_SECRET: only for HS256/],
    ['malformed REDIS_URL', { REDIS_URL: 'not a url' }, /^REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/],
    ['REDIS_URL of another scheme', { REDIS_URL: 'http://localhost:6379' }, /^REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL, not http:/],
    ['malformed duration', { ACCESS_TOKEN_TTL: '15 minutes' }, /^ACCESS_TOKEN_TTL: expected a positive duration/],
    ['zero duration', { REFRESH_TOKEN_TTL: '0d' }, /^REFRESH_TOKEN_TTL: expected a positive duration/],
    ['malformed grace', { REFRESH_REUSE_GRACE: 'soon' }, /^REFRESH_REUSE_GRACE: expected a duration such as 10s or 1m, or 0 for off/],
    ['two Redis modes', { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SENTINELS: '127.0.0.1:26379' }, /^REDIS_URL, REDIS_SENTINELS: give exactly one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES/],
    ['three Redis modes', { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' }, /^REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES: give exactly one/],
    ['a sentinel without a port', { REDIS_SENTINELS: '10.0.0.5:26379,10.0.0.6' }, /^REDIS_SENTINELS: 10\.0\.0\.6 is not host:port/],
    ['an empty sentinel entry', { REDIS_SENTINELS: '10.0.0.5:26379,' }, /^REDIS_SENTINELS: an empty entry is not host:port/],
    ['a cluster port out of range', { REDIS_CLUSTER_NODES: '10.0.0.5:70000' }, /^REDIS_CLUSTER_NODES: 10\.0\.0\.5:70000 is not host:port/],
    ['an IPv6 node without brackets', { REDIS_CLUSTER_NODES: '::1:7000' }, /^REDIS_CLUSTER_NODES: ::1:7000 is not host:port/],
    ['too many replicas to wait for', { REDIS_SENTINELS: '10.0.0.5:26379', REDIS_MIN_REPLICAS: '17' }, /^REDIS_MIN_REPLICAS: expected a whole number from 0 to 16/],
    ['a replica timeout past the command timeout', { REDIS_REPLICA_TIMEOUT_MS: '1000' }, /^REDIS_REPLICA_TIMEOUT_MS: expected milliseconds from 10 to 900/],
    ['TLS that is not a boolean', { REDIS_TLS: 'yes' }, /^REDIS_TLS: expected true or false/],
    ['refresh shorter than access', { ACCESS_TOKEN_TTL: '1h', REFRESH_TOKEN_TTL: '30m' }, /^REFRESH_TOKEN_TTL: must be longer than ACCESS_TOKEN_TTL/],
    ['port that is not a number', { PORT: 'http' }, /^PORT: expected an integer from 0 to 65535/],
    ['port out of range', { PORT: '65536' }, /^PORT: expected an integer from 0 to 65535/],
    ['boolean that is not one', { COOKIE_SECURE: 'maybe' }, /^COOKIE_SECURE: expected true or false/],
    ['origin with a path', { CORS_ORIGINS: 'https://app.example.com/login' }, /^CORS_ORIGINS: https:\/\/app.example.com\/login is not an origin/],
    ['unknown log level', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL: expected one of fatal/],
    ['admin name without password', { ADMIN_USERNAME: 'root' }, /^ADMIN_PASSWORD: ADMIN_USERNAME and ADMIN_PASSWORD go together/],
    ['short admin password', { ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'short' }, /^ADMIN_PASSWORD: expected 8 to 1024 characters/],
    ['relative public URL', { PUBLIC_URL: '/auth' }, /^PUBLIC_URL: expected an absolute http\(s\) URL/],
    ['key rotation faster than tokens live', { KEY_ROTATION_INTERVAL: '5m' }, /^KEY_ROTATION_INTERVAL: must be at least ACCESS_TOKEN_TTL/],
    ['admin name with a space', { ADMIN_USERNAME: 'the admin', ADMIN_PASSWORD: 'long enough' }, /^ADMIN_USERNAME: expected a username/]
  ]
  for (const [name, env, expected] of cases) t.match(failure(env), expected, name)
})

test('a key file of the configured algorithm is loaded', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'))
  const ec = pemFile(dir, 'ec.pem', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey)
  const ed = pemFile(dir, 'ed.pem', generateKeyPairSync('ed25519').privateKey)
  t.equal(loadConfig({ JWT_ALGORITHM: 'ES384', JWT_PRIVATE_KEY_FILE: ec }).JWT_PRIVATE_KEY_FILE?.key.asymmetricKeyType, 'ec')
  t.equal(loadConfig({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY_FILE: ed }).JWT_PRIVATE_KEY_FILE?.path, ed)
  t.equal(loadConfig({ JWT_ALGORITHM: 'HS384', JWT_SECRET: 'y'.repeat(48) }).JWT_SECRET, 'y'.repeat(48))
})

test('the Redis variables become one set of connection settings', async (t) => {
  t.same(redisSettingsOf(loadConfig({ REDIS_SENTINELS: '10.0.0.5:26379, [fd00::6]:26380', REDIS_PASSWORD: 'pw' })), {
    sentinels: [{ host: '10.0.0.5', port: 26379 }, { host: 'fd00::6', port: 26380 }], name: 'mymaster', tls: false, password: 'pw'
  }, 'sentinels, IPv6 in brackets, the default master name, credentials')
  t.same(redisSettingsOf(loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:7000,redis-2:7001', REDIS_USERNAME: 'gatehouse', REDIS_TLS: 'true' })), {
    clusterNodes: [{ host: 'redis-1', port: 7000 }, { host: 'redis-2', port: 7001 }], tls: true, username: 'gatehouse'
  }, 'cluster seeds by name, a user, TLS')
  t.equal(redisSettingsOf(loadConfig({ REDIS_URL: 'rediss://cache.internal:6380/2', REDIS_USERNAME: 'gh', REDIS_PASSWORD: 'p@ss:w/rd' })), 'rediss://gh:p%40ss%3Aw%2Frd@cache.internal:6380/2', 'REDIS_USERNAME and REDIS_PASSWORD over the URL, encoded')
  t.equal(redisSettingsOf(loadConfig({})), undefined, 'none: embedded mode')
  t.equal(replicasToWaitFor('redis://cache:6379', undefined), 0, 'one server: no replica to wait for unless asked')
  t.equal(replicasToWaitFor({ sentinels: [{ host: 'a', port: 1 }] }, undefined), 1, 'Sentinel: one replica')
  t.equal(replicasToWaitFor({ clusterNodes: [{ host: 'a', port: 1 }] }, 2), 2, 'REDIS_MIN_REPLICAS decides when set')
})
