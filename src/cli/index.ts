#!/usr/bin/env node
/** The operator CLI: users and service clients, straight on the configured store (DATA_DIR, or Redis). */
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openStore } from '../stores/index.js'
import { closeRedis, openRedis } from '../stores/redis/index.js'
import { redisSettingsOf } from '../stores/redis/connection.js'
import { createSessionRevoker } from '../sessions/revoke.js'
import { createUserAdmin } from '../admin/users.js'
import { createClientAdmin } from '../admin/clients.js'
import { rotateSigningKey } from '../keys/rotate.js'
import { runCommand, UsageError, USAGE } from './commands.js'
import { createApiKeyService } from '../sessions/api-keys.js'
import { promptPassword, readFirstLine } from './password-prompt.js'

/** On a terminal, a hidden prompt (twice); else the first line of standard input. */
async function readPassword (): Promise<string> {
  return process.stdin.isTTY ? await promptPassword(process.stdin, process.stderr) : await readFirstLine(process.stdin)
}

async function main (argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string', multiple: true },
      scope: { type: 'string', multiple: true },
      password: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE)
    return values.help ? 0 : 2
  }
  if (values.password !== undefined && process.stdin.isTTY) {
    process.stderr.write('gatehouse: --password leaves the password in your shell history; leave it out to be asked for it\n')
  }
  const config = loadConfig(process.env)
  const settings = redisSettingsOf(config)
  const redis = settings === undefined ? null : await openRedis(settings)
  const store = openStore(config, redis)
  process.stderr.write(`gatehouse: store: ${store.mode === 'redis' ? 'Redis' : `SQLite in ${config.DATA_DIR}`}\n`)
  try {
    const revoker = createSessionRevoker(store, config.REFRESH_TOKEN_TTL)
    const output = await runCommand(positionals, {
      roles: values.role ?? [],
      scopes: values.scope ?? [],
      password: values.password,
      json: values.json,
      readPassword
    }, {
      users: createUserAdmin(store.users, revoker),
      clients: createClientAdmin(store.clients, revoker),
      userStore: store.users,
      apiKeys: createApiKeyService({ store, revoker }),
      rotateKey: async () => config.JWT_PRIVATE_KEY_FILE !== undefined || config.JWT_SECRET !== undefined
        ? undefined
        : await rotateSigningKey(store.signingKeys, config.JWT_ALGORITHM, config.REFRESH_TOKEN_TTL)
    })
    process.stdout.write(output.endsWith('\n') || output === '' ? output : `${output}\n`)
    return 0
  } finally {
    await store.close()
    if (redis !== null) await closeRedis(redis)
  }
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`gatehouse: ${err instanceof Error ? err.message : String(err)}\n`)
  // Usage errors exit 2: ours, and node:util's parseArgs' (an unknown option, an option without its value).
  const parseError = err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')
  process.exitCode = err instanceof UsageError || parseError ? 2 : 1
}
