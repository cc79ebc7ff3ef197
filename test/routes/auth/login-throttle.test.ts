/** Login throttling: failed sign-ins counted per username and per client address; successes never count. */
import { test, type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { build, MODES } from '../../helper.js'
import { createUser, PASSWORD, type TestApp } from '../../support/auth.js'

const env = { LOGIN_MAX_FAILURES_PER_USERNAME: '3', LOGIN_MAX_FAILURES_PER_IP: '5' }
const WINDOW_SECONDS = 15 * 60

async function login (app: TestApp, username: string, password: string, remoteAddress = '127.0.0.1') {
  return await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, mode: 'token' }, remoteAddress })
}

async function fail (app: TestApp, username: string, times: number, remoteAddress = '127.0.0.1') {
  for (let i = 0; i < times; i++) {
    const res = await login(app, username, 'wrong password, sorry', remoteAddress)
    if (res.statusCode !== 401) throw new Error(`expected a 401 failure, got ${res.statusCode} ${res.body}`)
  }
}

function assertThrottled (t: Test, res: LightMyRequestResponse, what: string) {
  t.equal(res.statusCode, 429, what)
  t.equal(res.json().code, 'RATE_LIMITED', what)
  const retryAfter = res.headers['retry-after']
  t.match(retryAfter, /^[1-9][0-9]*$/, `${what}: Retry-After is a positive number of seconds`)
  t.ok(Number(retryAfter) <= WINDOW_SECONDS, `${what}: Retry-After is within the window`)
}

for (const mode of MODES) {
  test(`${mode}: after 3 failures for a username the next attempt is 429 with Retry-After, even with the right password`, async (t) => {
    const app = await build(t, { mode, env })
    await createUser(app, 'alice')
    await fail(app, 'alice', 3)
    assertThrottled(t, await login(app, 'alice', PASSWORD), 'the right password')
    assertThrottled(t, await login(app, 'alice', 'wrong again'), 'a wrong password')
    assertThrottled(t, await login(app, 'alice', PASSWORD, '10.0.0.7'), 'from another address')
  })

  test(`${mode}: other usernames from the same address get 401 until 5 failures from it, then 429`, async (t) => {
    const app = await build(t, { mode, env })
    for (const name of ['alice', 'bob', 'carol', 'dave']) await createUser(app, name)
    await fail(app, 'alice', 3)
    t.equal((await login(app, 'bob', 'wrong')).statusCode, 401, 'the 4th failure from the address')
    t.equal((await login(app, 'carol', 'wrong')).statusCode, 401, 'the 5th failure from the address')
    assertThrottled(t, await login(app, 'dave', PASSWORD), 'a fresh username from the throttled address')
    const elsewhere = await login(app, 'dave', PASSWORD, '10.0.0.8')
    t.equal(elsewhere.statusCode, 200, 'the same user from another address signs in')
  })

  test(`${mode}: successful logins never count: 10 in a row all answer 200`, async (t) => {
    const app = await build(t, { mode, env })
    await createUser(app, 'erin')
    for (let i = 0; i < 10; i++) t.equal((await login(app, 'erin', PASSWORD)).statusCode, 200, `login ${i + 1}`)
    await fail(app, 'erin', 2)
    t.equal((await login(app, 'erin', PASSWORD)).statusCode, 200, 'two failures after ten successes are still under the limit')
  })

  test(`${mode}: usernames are counted case-insensitively`, async (t) => {
    const app = await build(t, { mode, env })
    await createUser(app, 'alice')
    await fail(app, 'Alice', 1)
    await fail(app, 'ALICE', 1)
    await fail(app, 'alice', 1)
    assertThrottled(t, await login(app, 'aLiCe', PASSWORD), 'any spelling of the name')
  })

  test(`${mode}: an unknown username is throttled the same way as a known one`, async (t) => {
    const app = await build(t, { mode, env })
    await createUser(app, 'known')
    await fail(app, 'ghost', 3)
    await fail(app, 'known', 3, '10.0.0.9')
    const unknown = await login(app, 'ghost', PASSWORD)
    const known = await login(app, 'known', 'wrong', '10.0.0.9')
    assertThrottled(t, unknown, 'unknown')
    assertThrottled(t, known, 'known')
    t.same(unknown.json(), known.json(), 'the same answer: nothing says whether the user exists')
  })

  test(`${mode}: a spoofed X-Forwarded-For does not dodge the address limit (TRUST_PROXY is off)`, async (t) => {
    const app = await build(t, { mode, env })
    await createUser(app, 'frank')
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: `user${i}`, password: 'wrong' }, headers: { 'x-forwarded-for': `203.0.113.${i}` } })
      t.equal(res.statusCode, 401, `failure ${i + 1}`)
    }
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'frank', password: PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.1' } })
    assertThrottled(t, res, 'a new forwarded address from the same peer')
  })

  test(`${mode}: once the window has passed, the username may sign in again`, async (t) => {
    const app = await build(t, { mode, env: { ...env, LOGIN_FAILURE_WINDOW: '2' } })
    await createUser(app, 'gina')
    await fail(app, 'gina', 3)
    const throttled = await login(app, 'gina', PASSWORD)
    assertThrottled(t, throttled, 'inside the window')
    t.ok(Number(throttled.headers['retry-after']) <= 2, 'Retry-After is no longer than the window')
    await new Promise((resolve) => setTimeout(resolve, 2500))
    t.equal((await login(app, 'gina', PASSWORD)).statusCode, 200, 'after the window')
  })

  test(`${mode}: a burst of concurrent wrong passwords gets no more guesses than the limit`, async (t) => {
    const app = await build(t, { mode, env })
    await createUser(app, 'hugo')
    const burst = await Promise.all(Array.from({ length: 20 }, async () => await login(app, 'hugo', 'a guess')))
    const statuses = burst.map((res) => res.statusCode)
    const checked = statuses.filter((status) => status === 401).length
    t.ok(checked <= 3, `at most 3 of 20 simultaneous guesses are checked; ${checked} were: ${JSON.stringify(statuses)}`)
    t.same([...new Set(statuses)].filter((status) => status !== 401 && status !== 429), [], 'the rest are refused with 429')
    assertThrottled(t, await login(app, 'hugo', PASSWORD), 'the next attempt')
  })

  test(`${mode}: the 429 answer has the contract's error shape`, async (t) => {
    const app = await build(t, { mode, env })
    await fail(app, 'nobody', 3)
    const res = await login(app, 'nobody', PASSWORD)
    t.equal(res.statusCode, 429)
    t.match(res.headers['content-type'], /^application\/json/)
    const body = res.json()
    t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'])
    t.match(body, { statusCode: 429, code: 'RATE_LIMITED', error: 'Too Many Requests', message: String })
    t.notMatch(res.body, /stack|at \//, 'no stack trace')
  })
}

test('redis: two instances on the same Redis share the failure counters', async (t) => {
  const first = await build(t, { mode: 'redis', env })
  const second = await build(t, { mode: 'redis', location: first.location, env })
  await createUser(first, 'alice')
  await fail(first, 'alice', 2)
  await fail(second, 'alice', 1)
  assertThrottled(t, await login(first, 'alice', PASSWORD), 'on the first instance')
  assertThrottled(t, await login(second, 'alice', PASSWORD), 'on the second instance')

  for (const name of ['bob', 'carol']) await createUser(first, name)
  await fail(first, 'bob', 1, '10.1.1.1')
  await fail(second, 'carol', 1, '10.1.1.1')
  await fail(first, 'dave', 3, '10.1.1.1')
  assertThrottled(t, await login(second, 'carol', PASSWORD, '10.1.1.1'), 'the address limit, counted on both instances')
})
