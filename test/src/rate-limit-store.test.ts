/** Embedded login counters: a flood of other keys never empties a count that matters. */
import { test } from 'tap'
import { createMemoryRateLimitStore } from '../../src/rate-limit-store.js'
import { build } from '../helper.js'
import { createUser } from '../support/auth.js'

const WINDOW_MS = 60_000

function call (store: InstanceType<ReturnType<typeof createMemoryRateLimitStore>>, key: string, method: 'incr' | 'read') {
  return new Promise<{ current: number, ttl: number }>((resolve, reject) => store[method](key, (err, result) => err === null ? resolve(result) : reject(err), WINDOW_MS))
}

test('a victim\'s count survives a flood of 6,000 failures on other names, with room for 5,000', async (t) => {
  const clock = { ms: 1_000_000 }
  const Store = createMemoryRateLimitStore(5000, () => clock.ms)
  const store = new Store()
  for (let i = 0; i < 9; i++) await call(store, 'login-account:victim', 'incr')
  for (let i = 0; i < 6000; i++) await call(store, `login-account:other-${i}`, 'incr')
  t.match(await call(store, 'login-account:victim', 'read'), { current: 9 }, 'still 9: the flood displaced only itself')
  t.match(await call(store, 'login-account:victim', 'incr'), { current: 10 })
  t.match(await call(store, 'login-account:other-5999', 'read'), { current: 1 }, 'the newest key was kept too')
  clock.ms += WINDOW_MS
  t.match(await call(store, 'login-account:victim', 'read'), { current: 0, ttl: 0 }, 'a passed window reads as clean')
  t.match(await call(store, 'login-account:victim', 'incr'), { current: 1, ttl: WINDOW_MS }, 'and starts again at 1')
})

test('embedded: the login limit per username holds through the plugin\'s store', async (t) => {
  const app = await build(t, { mode: 'embedded', env: { LOGIN_MAX_FAILURES_PER_USERNAME: '3' } })
  await createUser(app, 'eve')
  const fail = async (n: number) => await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: `203.0.113.${n}`, payload: { username: 'eve', password: 'a wrong password' } })
  for (let n = 1; n <= 3; n++) t.equal((await fail(n)).statusCode, 401)
  const blocked = await fail(4)
  t.equal(blocked.statusCode, 429, 'from a fourth address: the username\'s count holds')
  t.ok(Number(blocked.headers['retry-after']) > 0)
})
