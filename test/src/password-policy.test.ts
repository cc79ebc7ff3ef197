/** The password policy: length, at least 10,000 of the most common passwords, not the username, not one repeated character. */
import { test } from 'tap'
import { COMMON_PASSWORD_COUNT, passwordProblem } from '../../src/password-policy.js'
import { build, MODES } from '../helper.js'
import { bearer, signedInUser } from '../support/auth.js'

test('the list of common passwords holds at least 10,000 that are long enough to matter', async (t) => {
  t.ok(COMMON_PASSWORD_COUNT >= 10_000, `${COMMON_PASSWORD_COUNT} passwords`)
  for (const common of ['password1', 'iloveyou', 'qwertyuiop', 'Sunshine1', 'football1', 'trustno1']) {
    t.equal(passwordProblem(common), 'is one of the most common passwords', common)
  }
})

test('a password equal to the username in any case, or one character repeated, is refused; no composition rules', async (t) => {
  t.equal(passwordProblem('Margaret-Hamilton', 'margaret-hamilton'), 'must not be the username')
  t.equal(passwordProblem('aaaaaaaa'), 'must not be one character repeated')
  t.equal(passwordProblem('        '), 'must not be one character repeated')
  t.equal(passwordProblem('🔑🔑🔑🔑🔑🔑🔑🔑'), 'must not be one character repeated', 'by characters, not UTF-16 units')
  t.equal(passwordProblem('short'), 'must be at least 8 characters')
  for (const fine of ['correct horse battery staple', 'all lowercase words here', 'ZZZZZZZy', '12345678a9b']) t.equal(passwordProblem(fine, 'someone'), undefined, fine)
})

for (const mode of MODES) {
  test(`${mode}: the API refuses such passwords with 400 WEAK_PASSWORD and changes nothing`, async (t) => {
    const app = await build(t, { mode })
    const admin = await signedInUser(app, 'root', ['admin'])
    const cases: Array<[string, string]> = [['aaron', 'aaaaaaaa'], ['Bertha', 'bertha'.padEnd(8, 'x')], ['carla', 'iloveyou1'], ['dana', 'DANA-LONG-NAME'], ['dana-long-name', 'DANA-LONG-NAME']]
    for (const [username, password] of cases) {
      const res = await app.inject({ method: 'POST', url: '/admin/users', headers: bearer(admin.accessToken), payload: { username, password } })
      if (username === 'dana') { t.equal(res.statusCode, 201, 'another user\'s name is fine'); continue }
      if (username === 'Bertha') { t.equal(res.statusCode, 201, 'containing the name is not being it'); continue }
      t.equal(res.statusCode, 400, `${username}: ${password}`)
      t.equal(res.json().code, 'WEAK_PASSWORD')
      t.equal(await app.store.users.findByUsername(username), undefined, 'nothing created')
    }
  })
}
