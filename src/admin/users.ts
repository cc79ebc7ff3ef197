/**
 * User administration, shared by the admin API and the CLI: the password policy, hashing, the last-admin
 * guard, and revoking a user's sessions whenever what their tokens say stops being true.
 */
import { holdsRole, type UserRecord, type UserStore } from '../stores/users.js'
import type { SessionRevoker } from '../sessions/revoke.js'
import { hashPassword } from '../passwords.js'
import { passwordProblem } from '../password-policy.js'
import { LastAdminError, NotFoundError, WeakPasswordError } from '../errors.js'

export const ADMIN_ROLE = 'admin'

export interface UserChangesInput {
  password?: string
  roles?: string[]
  disabled?: boolean
}

const isEnabledAdmin = (user: UserRecord) => holdsRole(user, ADMIN_ROLE)

export function createUserAdmin (users: UserStore, revoker: SessionRevoker) {
  async function find (id: string): Promise<UserRecord> {
    const user = await users.findById(id)
    if (user === undefined) throw new NotFoundError('User')
    return user
  }

  async function checkedHash (password: string, username: string): Promise<string> {
    const problem = passwordProblem(password, username)
    if (problem !== undefined) throw new WeakPasswordError(problem)
    return await hashPassword(password)
  }

  /**
   * Refuses early a change that would leave no enabled admin, before any password hashing or revocation. The store
   * checks again in the write itself (keepRole), atomically, for changes that race.
   */
  async function guardLastAdmin (user: UserRecord, after: UserRecord | undefined): Promise<void> {
    if (!isEnabledAdmin(user) || (after !== undefined && isEnabledAdmin(after))) return
    for (let page = await users.list({ limit: 500 }); page.length > 0; page = await users.list({ limit: 500, after: page[page.length - 1]?.id })) {
      if (page.some((other) => other.id !== user.id && isEnabledAdmin(other))) return
    }
    throw new LastAdminError()
  }

  return {
    find,
    async list (limit: number, after?: string) {
      return await users.list({ limit, ...(after === undefined ? {} : { after }) })
    },
    async create (input: { username: string, password: string, roles: string[], disabled?: boolean }): Promise<UserRecord> {
      const user = await users.create({ username: input.username, passwordHash: await checkedHash(input.password, input.username), roles: [...new Set(input.roles)] })
      if (input.disabled !== true) return user
      return await users.update(user.id, { disabled: true }) ?? user
    },
    /** A new password, other roles or disabling ends the user's sessions: their tokens no longer tell the truth. */
    async update (id: string, changes: UserChangesInput): Promise<UserRecord> {
      const user = await find(id)
      const roles = changes.roles === undefined ? undefined : [...new Set(changes.roles)]
      await guardLastAdmin(user, { ...user, ...(roles === undefined ? {} : { roles }), ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }) })
      const passwordHash = changes.password === undefined ? undefined : await checkedHash(changes.password, user.username)
      const rolesChanged = roles !== undefined && [...roles].sort().join(' ') !== [...user.roles].sort().join(' ')
      const revokes = passwordHash !== undefined || rolesChanged || changes.disabled === true
      // Before the write as well as after: a change answered 503 once written is retried against a user that
      // already has the new roles, which alone would revoke nothing.
      if (revokes) await revoker.revokeUserCredentials(id)
      const updated = await users.update(id, {
        ...(passwordHash === undefined ? {} : { passwordHash }),
        ...(roles === undefined ? {} : { roles }),
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled })
      }, ADMIN_ROLE)
      if (updated === undefined) throw new NotFoundError('User')
      if (revokes) await revoker.revokeUserCredentials(id) // what signed in between still had the old truth
      return updated
    },
    async remove (id: string): Promise<void> {
      const user = await find(id)
      await guardLastAdmin(user, undefined)
      await revoker.revokeUserCredentials(id)
      if (!await users.delete(id, ADMIN_ROLE)) throw new NotFoundError('User')
      await revoker.revokeUserCredentials(id) // what was created in between (a key made as the user was deleted)
    },
    async revokeSessions (id: string): Promise<number> {
      await find(id)
      return await revoker.revokeUserSessions(id)
    }
  }
}

export type UserAdmin = ReturnType<typeof createUserAdmin>
