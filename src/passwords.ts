/** Password hashing with argon2id (OWASP's parameters), on libuv's thread pool so the event loop keeps serving. */
import { hash, verify } from '@node-rs/argon2'

// OWASP Password Storage Cheat Sheet, first argon2id option: m=19 MiB, t=2, p=1.
export const ARGON2_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id: a const enum, which isolated modules cannot read
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1
} as const

export async function hashPassword (password: string): Promise<string> {
  return await hash(password, ARGON2_OPTIONS)
}

/** True when the password matches; false for a mismatch or a hash that is not argon2's. */
export async function verifyPassword (passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

// A hash of a password nobody has: checked against when the user does not exist, so an unknown
// username costs the same time as a wrong password and the two cannot be told apart.
let decoyHash: Promise<string> | undefined
export async function verifyAgainstDecoy (password: string): Promise<false> {
  decoyHash ??= hashPassword('decoy password that no account has')
  await verifyPassword(await decoyHash, password)
  return false
}
