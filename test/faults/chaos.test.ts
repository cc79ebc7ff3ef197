/**
 * A bounded chaos run: clients sign in, read, refresh, and sign out on two instances while Redis is stalled for
 * random spells (CLIENT PAUSE ... WRITE, the pause a failover makes, and SIGSTOP of the server). Every request is
 * retried after a 503, as a client should. The invariants: no revoked token is ever answered 200, no refresh
 * retry is taken for reuse, nothing answers a 5xx but 503, and the service comes back without a restart.
 */
import { test } from 'tap'
import type { InjectOptions } from 'fastify'
import { randomInt } from 'node:crypto'
import { build } from '../helper.js'
import { bearer, createUser, PASSWORD, type TestApp } from '../support/auth.js'
import { privateLocation } from '../support/private-location.js'
import { within } from '../support/poll.js'
import type { SecurityEvent } from '../../src/security-events.js'

const RUN_MS = Number(process.env.CHAOS_RUN_MS ?? 60_000)
const CLIENTS = 6
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms))

test(`redis: ${RUN_MS / 1000} s of sign-ins, refreshes and sign-outs on two instances while Redis keeps stalling`, { timeout: RUN_MS + 60_000 }, async (t) => {
  const location = await privateLocation(t)
  const first = await build(t, { mode: 'redis', location })
  const instances: TestApp[] = [first, await build(t, { mode: 'redis', location })]
  const events: SecurityEvent[] = []
  for (const app of instances) app.onSecurityEvent((event) => events.push(event))
  for (let i = 0; i < CLIENTS; i++) await createUser(first, `user-${i}`)

  const stats = { requests: 0, unavailable: 0, otherErrors: [] as string[], revokedAccepted: [] as string[], stalls: 0, signOuts: 0, refreshes: 0 }
  const deadline = Date.now() + RUN_MS
  const pick = (): TestApp => instances[randomInt(instances.length)] ?? first

  async function call (app: TestApp, options: InjectOptions) {
    const res = await app.inject(options)
    stats.requests++
    if (res.statusCode === 503) stats.unavailable++
    else if (res.statusCode >= 500) stats.otherErrors.push(`${res.statusCode} ${String(options.url)} ${res.body}`)
    return res
  }

  /** Retries after a 503, as a client should, until another answer (bounded). */
  async function retried (options: InjectOptions) {
    for (let attempt = 0; ; attempt++) {
      const res = await call(pick(), options)
      if (res.statusCode !== 503 || attempt > 200) return res
      await sleep(100)
    }
  }

  const revoked: string[] = []
  async function checkRevoked (token: string, what: string): Promise<void> {
    for (const app of instances) {
      const res = await call(app, { url: '/auth/me', headers: bearer(token) })
      if (res.statusCode === 200) stats.revokedAccepted.push(what)
    }
  }

  async function stalls (): Promise<void> {
    while (Date.now() < deadline - 3000) {
      await sleep(randomInt(300, 1500))
      const spell = randomInt(500, 2500)
      stats.stalls++
      if (randomInt(4) === 0) {
        location.server.signal('SIGSTOP')
        await sleep(spell)
        location.server.signal('SIGCONT')
      } else {
        await location.admin.call('CLIENT', 'PAUSE', String(spell), 'WRITE')
        await sleep(spell)
      }
    }
  }

  async function client (n: number): Promise<void> {
    while (Date.now() < deadline) {
      const login = await retried({ method: 'POST', url: '/auth/login', payload: { username: `user-${n}`, password: PASSWORD, mode: 'token' } })
      if (login.statusCode !== 200) { stats.otherErrors.push(`login ${login.statusCode} ${login.body}`); continue }
      let { access_token: access, refresh_token: refresh } = login.json() as { access_token: string, refresh_token: string }
      for (let step = randomInt(1, 4); step > 0 && Date.now() < deadline; step--) {
        const me = await call(pick(), { url: '/auth/me', headers: bearer(access) })
        if (![200, 503].includes(me.statusCode)) stats.otherErrors.push(`me ${me.statusCode} ${me.body}`)
        const rotated = await retried({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refresh } })
        if (rotated.statusCode !== 200) { stats.otherErrors.push(`refresh ${rotated.statusCode} ${rotated.body}`); break }
        stats.refreshes++
        ;({ access_token: access, refresh_token: refresh } = rotated.json() as { access_token: string, refresh_token: string })
      }
      const out = await retried({ method: 'POST', url: '/auth/logout', headers: bearer(access) })
      if (![204, 401].includes(out.statusCode)) { stats.otherErrors.push(`logout ${out.statusCode} ${out.body}`); continue }
      stats.signOuts++
      revoked.push(access)
      await sleep(100) // every instance within 100 ms
      await checkRevoked(access, `user-${n} access token after sign-out`)
      const again = await retried({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refresh } })
      if (again.statusCode === 200) stats.revokedAccepted.push(`user-${n} refresh token after sign-out`)
    }
  }

  async function rechecks (): Promise<void> {
    while (Date.now() < deadline) {
      await sleep(250)
      const token = revoked[randomInt(Math.max(1, revoked.length))]
      if (token !== undefined) await checkRevoked(token, 'an earlier sign-out, checked again')
    }
  }

  await Promise.all([stalls(), rechecks(), ...Array.from({ length: CLIENTS }, async (_, n) => await client(n))])
  location.server.signal('SIGCONT')

  t.comment(`requests ${stats.requests}, 503s ${stats.unavailable}, stalls ${stats.stalls}, sign-outs ${stats.signOuts}, refreshes ${stats.refreshes}, ` +
    `revoked tokens accepted ${stats.revokedAccepted.length}, reuse detected ${events.filter((e) => e === 'refresh.reuse_detected').length}, retries ${events.filter((e) => e === 'refresh.retried').length}`)
  t.ok(stats.stalls > 5 && stats.signOuts > 10 && stats.unavailable > 0, 'the run did meet stalls, and did work through them')
  t.same(stats.revokedAccepted, [], 'no revoked token was ever answered 200')
  t.equal(events.filter((e) => e === 'refresh.reuse_detected').length, 0, 'no refresh retry was taken for reuse')
  t.same(stats.otherErrors, [], 'nothing but 503 among the errors, and every retried request completed')
  for (const app of instances) {
    t.ok(await within(10_000, async () => (await app.inject('/health/ready')).statusCode === 200) >= 0, 'each instance serves again by itself')
  }
})
