import { test } from 'tap'
import { hashPassword, verifyPassword, verifyAgainstDecoy } from '../../src/passwords.js'

test('passwords are hashed with argon2id at OWASP parameters, salted', async (t) => {
  const first = await hashPassword('correct horse battery staple')
  const second = await hashPassword('correct horse battery staple')
  t.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  t.not(first, second, 'each hash has its own salt')
})

test('verification accepts the password and refuses anything else', async (t) => {
  const hash = await hashPassword('correct horse battery staple')
  t.equal(await verifyPassword(hash, 'correct horse battery staple'), true)
  t.equal(await verifyPassword(hash, 'Correct horse battery staple'), false)
  t.equal(await verifyPassword(hash, ''), false)
  t.equal(await verifyPassword('not a hash', 'anything'), false, 'a malformed hash is a mismatch, not a crash')
  t.equal(await verifyAgainstDecoy('anything'), false)
})

test('hashing runs off the event loop', async (t) => {
  let ticks = 0
  const timer = setInterval(() => { ticks++ }, 1)
  await Promise.all([hashPassword('a'), hashPassword('b'), hashPassword('c'), hashPassword('d')])
  clearInterval(timer)
  t.ok(ticks > 0, 'timers fired while four hashes were computed')
})
