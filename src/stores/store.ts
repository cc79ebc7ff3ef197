/** The one interface gatehouse keeps its records behind, embedded (SQLite) or shared (Redis). */
import type { UserStore } from './users.js'
import type { ClientStore } from './clients.js'
import type { SigningKeyStore } from './signing-keys.js'
import type { SessionStore } from './sessions.js'
import type { RevocationStore } from '@gatehouse-auth/fastify'

export interface Store {
  readonly mode: 'embedded' | 'redis'
  readonly users: UserStore
  readonly clients: ClientStore
  readonly signingKeys: SigningKeyStore
  readonly sessions: SessionStore
  readonly revocations: RevocationStore
  /** True when the store can serve now. */
  ping (): Promise<boolean>
  close (): Promise<void>
}
