/** Users: who can sign in, with which roles. Usernames are unique regardless of case. */

export interface UserRecord {
  id: string
  username: string
  passwordHash: string
  roles: string[]
  disabled: boolean
  createdAt: string // ISO 8601
  updatedAt: string
}

export interface NewUser {
  username: string
  passwordHash: string
  roles: string[]
}

export interface UserChanges {
  passwordHash?: string
  roles?: string[]
  disabled?: boolean
}

/** Keyset pagination: ids are time-ordered, so `after` the last id of a page gives the next one. */
export interface PageRequest {
  limit: number
  after?: string
}

export interface UserStore {
  /** Throws UsernameTakenError when the name is taken in any case. */
  create (user: NewUser): Promise<UserRecord>
  findById (id: string): Promise<UserRecord | undefined>
  findByUsername (username: string): Promise<UserRecord | undefined>
  list (page: PageRequest): Promise<UserRecord[]>
  update (id: string, changes: UserChanges): Promise<UserRecord | undefined>
  /** False when there was no such user. */
  delete (id: string): Promise<boolean>
}

/** The form a username is compared in. */
export function usernameKey (username: string): string {
  return username.toLowerCase()
}
