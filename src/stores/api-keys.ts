/** Personal API keys: what a user's key may do, and its hash. The key itself is shown once and kept nowhere. */

export interface ApiKeyRecord {
  /** The key's id: the jti of the signed key, what revoking it names. */
  id: string
  userId: string
  name: string
  roles: string[]
  createdAt: number // epoch seconds
  expiresAt: number
  /** SHA-256 of the whole key (hex), to recognise it; never the key. */
  keyHash: string
}

export interface ApiKeyStore {
  create (key: ApiKeyRecord): Promise<void>
  /** A key that has not expired, or undefined. */
  find (id: string): Promise<ApiKeyRecord | undefined>
  /** A user's keys that have not expired, oldest first, in one or two round trips however many there are. */
  listByUser (userId: string): Promise<ApiKeyRecord[]>
  /** Records the key's first use at `at`; true only for the call that recorded it (false after, or for no key). */
  markUsed (id: string, at: number): Promise<boolean>
  /** Removes the key and answers it, or undefined when there was none. */
  delete (id: string): Promise<ApiKeyRecord | undefined>
}
