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
  /**
   * With `keepRole`, refuses (LastAdminError) a change that would leave no enabled user holding that role, in the
   * same atomic step as the write: two admins demoting each other at once cannot both succeed.
   */
  update (id: string, changes: UserChanges, keepRole?: string): Promise<UserRecord | undefined>
  /** False when there was no such user. `keepRole` as for update. */
  delete (id: string, keepRole?: string): Promise<boolean>
}

/** Whether the user is enabled and holds the role: what the last-admin guard counts. */
export function holdsRole (user: Pick<UserRecord, 'disabled' | 'roles'>, role: string): boolean {
  return !user.disabled && user.roles.includes(role)
}

/** The form a username is compared in. */
export function usernameKey (username: string): string {
  return username.toLowerCase()
}
