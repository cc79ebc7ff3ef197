/** One rule for which key fits which algorithm, and the warning when the metadata would trust the Host header. */
import { test } from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { loadConfig } from '../../src/config.js'
import { buildApp } from '../../src/app.js'
import { testLocation } from '../support/stores.js'

test('an RSA-PSS key file is refused at start naming JWT_PRIVATE_KEY_FILE, as the verifier would refuse its JWKS', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'))
  const pss = join(dir, 'pss.pem')
  writeFileSync(pss, generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }))
  t.throws(() => loadConfig({ JWT_ALGORITHM: 'PS256', JWT_PRIVATE_KEY_FILE: pss }), /^JWT_PRIVATE_KEY_FILE: PS256 needs an RSA key of at least 2048 bits/)
  const rsa = join(dir, 'rsa.pem')
  writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }))
  t.equal(loadConfig({ JWT_ALGORITHM: 'PS256', JWT_PRIVATE_KEY_FILE: rsa }).JWT_ALGORITHM, 'PS256', 'a plain RSA key signs PS256')
})

test('beyond loopback without PUBLIC_URL, a warning at start says the metadata follows the Host header', async (t) => {
  const location = await testLocation(t)
  for (const [env, warned] of [[{ HOST: '0.0.0.0' }, true], [{ HOST: '0.0.0.0', PUBLIC_URL: 'https://auth.example.com' }, false], [{}, false]] as const) {
    const lines: string[] = []
    const stream = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
    const config = loadConfig({ DATA_DIR: location.dataDir, LOG_LEVEL: 'warn', ...env })
    const app = await buildApp(config, { logger: { level: 'warn', stream } })
    await app.ready()
    await app.close()
    t.equal(lines.some((line) => line.includes('PUBLIC_URL is unset')), warned, JSON.stringify(env))
  }
})
