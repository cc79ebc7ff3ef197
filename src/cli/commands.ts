/** The CLI's commands, on the same administration code as the admin API, with the same validation. */
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { UserAdmin } from '../admin/users.js'
import type { ClientAdmin } from '../admin/clients.js'
import type { ApiKeyService } from '../sessions/api-keys.js'
import type { UserRecord, UserStore } from '../stores/users.js'
import { RoleSchema, UsernameSchema } from '../schemas/user.js'
import { ScopeSchema } from '../schemas/admin.js'
import type { Rotation } from '../keys/rotate.js'

export const USAGE = `Usage: gatehouse <command> [options]

  users add <username> [--role ROLE]... [--password PASSWORD]   (else asked twice, hidden, on a terminal; or the first line of standard input)
  users list [--json]
  users disable <username>
  users enable <username>
  users set-roles <username> ROLE...                          (one or more)
  users delete <username>
  users api-keys <username> [--json]                           (never the keys themselves)
  users revoke-api-key <username> <key id>
  clients add <name> [--scope SCOPE]...                        (prints the secret, once)
  clients list [--json]
  clients remove <client_id>
  keys rotate                                                  (running instances sign with the new key within seconds)

It works on the store the environment configures: REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES, else
the SQLite file in DATA_DIR.
`

export class UsageError extends Error {
  override name = 'UsageError'
}

export interface CommandOptions {
  roles: string[]
  scopes: string[]
  password: string | undefined
  json: boolean
  readPassword: () => Promise<string>
}

export interface CommandContext {
  users: UserAdmin
  clients: ClientAdmin
  userStore: UserStore
  apiKeys: Pick<ApiKeyService, 'list' | 'revoke'>
  /** Undefined when the configured key (file or secret) signs, which only its owner can replace. */
  rotateKey: () => Promise<Rotation | undefined>
}

const username = TypeCompiler.Compile(UsernameSchema)
const role = TypeCompiler.Compile(RoleSchema)
const scope = TypeCompiler.Compile(ScopeSchema)

function check (value: string | undefined, checker: { Check (value: unknown): boolean }, what: string): string {
  if (value === undefined || !checker.Check(value)) throw new UsageError(`invalid ${what}: ${JSON.stringify(value ?? '')}`)
  return value
}

async function userNamed (context: CommandContext, name: string | undefined): Promise<UserRecord> {
  const user = await context.userStore.findByUsername(check(name, username, 'username'))
  if (user === undefined) throw new Error(`no user named ${name}`)
  return user
}

async function allPages<T extends { id: string }> (list: (limit: number, after?: string) => Promise<T[]>): Promise<T[]> {
  const all: T[] = []
  for (let page = await list(500); page.length > 0; page = await list(500, page[page.length - 1]?.id)) all.push(...page)
  return all
}

const describeUser = (user: UserRecord) => `${user.id}  ${user.username}  roles=${user.roles.join(',') || '-'}${user.disabled ? '  disabled' : ''}`

export async function runCommand (words: string[], options: CommandOptions, context: CommandContext): Promise<string> {
  const [group, action, ...rest] = words
  switch (`${group ?? ''} ${action ?? ''}`) {
    case 'users add': {
      const name = check(rest[0], username, 'username')
      options.roles.forEach((item) => check(item, role, 'role'))
      const password = options.password ?? await options.readPassword()
      const user = await context.users.create({ username: name, password, roles: options.roles })
      return options.json ? JSON.stringify({ id: user.id, username: user.username, roles: user.roles }) : `created ${describeUser(user)}`
    }
    case 'users list': {
      const users = await allPages(context.users.list)
      if (options.json) return JSON.stringify(users.map(({ id, username, roles, disabled, createdAt }) => ({ id, username, roles, disabled, created_at: createdAt })))
      return users.map(describeUser).join('\n')
    }
    case 'users disable':
    case 'users enable': {
      const user = await userNamed(context, rest[0])
      const updated = await context.users.update(user.id, { disabled: action === 'disable' })
      return `${action === 'disable' ? 'disabled (sessions revoked)' : 'enabled'} ${describeUser(updated)}`
    }
    case 'users set-roles': {
      // One or more: an empty list would silently take every role away.
      if (rest.length < 2) throw new UsageError('users set-roles needs a username and one or more roles')
      const user = await userNamed(context, rest[0])
      const roles = rest.slice(1).map((item) => check(item, role, 'role'))
      return `roles set (sessions revoked): ${describeUser(await context.users.update(user.id, { roles }))}`
    }
    case 'users delete': {
      const user = await userNamed(context, rest[0])
      await context.users.remove(user.id)
      return `deleted ${user.id}  ${user.username} (sessions revoked)`
    }
    case 'users api-keys': {
      const user = await userNamed(context, rest[0])
      const keys = await context.apiKeys.list(user.id)
      const iso = (seconds: number) => new Date(seconds * 1000).toISOString()
      if (options.json) return JSON.stringify(keys.map((key) => ({ id: key.id, name: key.name, roles: key.roles, created_at: iso(key.createdAt), expires_at: iso(key.expiresAt) })))
      return keys.map((key) => `${key.id}  ${key.name}  roles=${key.roles.join(',') || '-'}  expires ${iso(key.expiresAt)}`).join('\n')
    }
    case 'users revoke-api-key': {
      if (rest.length !== 2) throw new UsageError('users revoke-api-key needs a username and a key id')
      const user = await userNamed(context, rest[0])
      if (!await context.apiKeys.revoke(user.id, rest[1] ?? '')) throw new Error(`${user.username} has no API key ${rest[1] ?? ''}`)
      return `revoked API key ${rest[1] ?? ''} of ${user.username}`
    }
    case 'clients add': {
      const name = rest[0]
      if (name === undefined || name.length === 0 || name.length > 128) throw new UsageError('clients add needs a name of 1 to 128 characters')
      options.scopes.forEach((item) => check(item, scope, 'scope'))
      const { client, secret } = await context.clients.create({ name, scopes: options.scopes })
      if (options.json) return JSON.stringify({ client_id: client.id, client_secret: secret, name: client.name, scopes: client.scopes })
      return `client_id=${client.id}\nclient_secret=${secret}\n(the secret is shown this once; only its hash is stored)`
    }
    case 'clients list': {
      const clients = await allPages(context.clients.list)
      if (options.json) return JSON.stringify(clients.map(({ id, name, scopes, createdAt }) => ({ client_id: id, name, scopes, created_at: createdAt })))
      return clients.map((client) => `${client.id}  ${client.name}  scopes=${client.scopes.join(' ') || '-'}`).join('\n')
    }
    case 'clients remove': {
      const id = rest[0]
      if (id === undefined) throw new UsageError('clients remove needs a client_id')
      await context.clients.remove(id)
      return `removed ${id} (its tokens are revoked)`
    }
    case 'keys rotate': {
      const rotation = await context.rotateKey()
      if (rotation === undefined) throw new Error('the signing key comes from JWT_PRIVATE_KEY_FILE or JWT_SECRET: rotate it by replacing that')
      return `new signing key ${rotation.kid} (${rotation.alg}); ${rotation.retiredKid ?? 'no previous key'} verifies until ${new Date(rotation.retiredUntil * 1000).toISOString()}`
    }
    default:
      throw new UsageError(`unknown command: ${words.join(' ')}\n${USAGE}`)
  }
}
