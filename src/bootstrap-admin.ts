/** ADMIN_USERNAME and ADMIN_PASSWORD: the first admin, created at start when no user has that name. */
import type { UserStore } from './stores/users.js'
import { hashPassword } from './passwords.js'

export type BootstrapOutcome = 'created' | 'exists'

export async function ensureAdmin (users: UserStore, username: string, password: string): Promise<BootstrapOutcome> {
  if (await users.findByUsername(username) !== undefined) return 'exists' // never overwrite an existing user
  try {
    await users.create({ username, passwordHash: await hashPassword(password), roles: ['admin'] })
    return 'created'
  } catch (err) {
    // Another instance starting at the same time created it first: that is the same outcome.
    if (err instanceof Error && 'code' in err && err.code === 'USERNAME_TAKEN') return 'exists'
    throw err
  }
}
