/** The one interface gatehouse keeps its records behind, embedded (SQLite) or shared (Redis). */
import type { UserStore } from './users.js'
import type { ClientStore } from './clients.js'
import type { SigningKeyStore } from './signing-keys.js'
import type { SessionStore } from './sessions.js'
import type { ApiKeyStore } from './api-keys.js'
import type { RevocationFeed, RevocationStore } from '@gatehouse-auth/fastify'

export interface Store {
  readonly mode: 'embedded' | 'redis'
  readonly users: UserStore
  readonly clients: ClientStore
  readonly signingKeys: SigningKeyStore
  readonly sessions: SessionStore
  readonly apiKeys: ApiKeyStore
  readonly revocations: RevocationStore
  /** The feed of revocations other writers make (Redis pub/sub; SQLite: every process on the file), for the local view. */
  revocationFeed (): RevocationFeed
  /** True when the store can serve now. */
  ping (): Promise<boolean>
  close (): Promise<void>
}
