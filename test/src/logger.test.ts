import { test } from 'tap'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { loggerOptions } from '../../src/logger.js'

test('secrets are redacted from log lines', async (t) => {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const app = Fastify({ logger: { ...loggerOptions({ LOG_LEVEL: 'info' }), stream } })
  app.log.info({
    req: { headers: { authorization: 'Bearer eyJ.secret.token', cookie: 'access_token=eyJ.cookie.token', 'x-csrf-token': 'csrf-secret' } },
    body: { password: 'hunter22', new_password: 'hunter23', client_secret: 'cs', refresh_token: 'rt' },
    user: { passwordHash: '$argon2id$hash' }
  }, 'a request')
  await app.close()
  const logged = lines.join('')
  for (const secret of ['eyJ.secret.token', 'eyJ.cookie.token', 'csrf-secret', 'hunter22', 'hunter23', '"cs"', '"rt"', '$argon2id$hash']) {
    t.notOk(logged.includes(secret), `${secret} is not logged`)
  }
  t.match(logged, /\[Redacted\]/)
})

test('the log level follows LOG_LEVEL', async (t) => {
  t.equal(loggerOptions({ LOG_LEVEL: 'warn' }).level, 'warn')
})
