/** The raw password check a login costs: gatehouse's argon2id verification, as many at once as the server runs. */
import { ARGON2_OPTIONS, hashPassword, verifyPassword } from '../dist/src/passwords.js'

// libuv's default pool: the server runs at most this many argon2 verifications at a time.
export const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4

/** Verifications per second over about `seconds`, `concurrency` at a time, kept busy as a loaded server keeps its pool. */
export async function measureArgon2Rate (seconds, concurrency = POOL_SIZE) {
  const password = 'correct horse battery staple'
  const hash = await hashPassword(password)
  if (!await verifyPassword(hash, password)) throw new Error('argon2 reference: the hash does not verify')

  const started = performance.now()
  const deadline = started + seconds * 1000
  let count = 0
  const worker = async () => {
    while (performance.now() < deadline) {
      await verifyPassword(hash, password)
      count++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  return { options: ARGON2_OPTIONS, concurrency, perSecond: count / elapsed, count }
}
