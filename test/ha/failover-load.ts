/**
 * A failover under load: two instances keep serving authenticated GETs and logouts while the topology fails
 * over. Afterwards every logout answered 204 must be refused on both instances (no revocation lost); no GET with
 * a token already logged out may have been answered 200 (no revoked token accepted): on the instance that logged it
 * out from the 204 on, on the other one from 100 ms after it (the contract's propagation bound); and the window in
 * which the instances answered 503 is measured.
 */
import type { Test } from 'tap'
import { createUser, loginWithTokens, type TestApp, type TokenSession } from '../support/auth.js'
import { logout, me } from './instances.js'
import { within } from '../support/poll.js'

export interface FailoverLoadReport {
  logoutsAnswered: number
  logouts503: number
  revokedAccepted: number
  /** GETs answered 200 on the other instance within 100 ms of the logout: allowed, counted to show the race. */
  acceptedWhilePropagating: number
  /** The latest such GET, in ms after the logout's 204. */
  latestAcceptedAfterLogoutMs: number
  lostRevocations: number
  /** From the first to the last 503 on a live token's GET, in ms (0 when there was none). */
  unavailableWindowMs: number
  /** From the failover's end (the new primary promoted) to the last 503, in ms (negative: none after it). */
  unavailableAfterPromotionMs: number
  /** From the promotion to the first logout answered 204 after it (-1: none within the run). */
  writesResumedAfterPromotionMs: number
  gets: number
}

/** `settled` resolves once durable writes can be confirmed again (a replica back in sync). */
export async function failoverUnderLoad (t: Test, apps: [TestApp, TestApp], failover: () => Promise<unknown>, settled: () => Promise<void>, sessionCount = 64): Promise<FailoverLoadReport> {
  const [a, b] = apps
  await createUser(a, 'loaded')
  const live = await loginWithTokens(a, 'loaded')
  const pool: TokenSession[] = []
  while (pool.length < sessionCount) pool.push(...await Promise.all([a, b, a, b].map(async (app) => await loginWithTokens(app, 'loaded'))))

  const revoked: Array<{ token: string, at: number, by?: TestApp }> = []
  const unavailable: number[] = []
  const answered: number[] = []
  const report = { logoutsAnswered: 0, logouts503: 0, revokedAccepted: 0, acceptedWhilePropagating: 0, latestAcceptedAfterLogoutMs: 0, gets: 0 }
  const unconfirmed: TokenSession[] = []
  const load = { running: true } // an object, so the workers' loop sees the change

  const worker = async (app: TestApp) => {
    let lastLogout = 0
    while (load.running) {
      // A logout every 250 ms per instance, so the pool lasts through the failover and the 5 s after it.
      const session = Date.now() - lastLogout >= 250 ? pool.pop() : undefined
      if (session !== undefined) {
        lastLogout = Date.now()
        const answer = await logout(app, session.accessToken)
        if (answer.statusCode === 204) {
          report.logoutsAnswered++
          answered.push(Date.now())
          revoked.push({ token: session.accessToken, at: Date.now(), by: app })
        } else {
          report.logouts503 += answer.statusCode === 503 ? 1 : 0
          unconfirmed.push(session) // retried below: a 503 changed nothing or its retry completes it
        }
      }
      for (const { token, at, by } of revoked.slice(-5)) {
        const sent = Date.now()
        const answer = await me(app, token)
        report.gets++
        if (answer.statusCode !== 200) continue
        if (by === app || sent > at + 100) report.revokedAccepted++
        else {
          report.acceptedWhilePropagating++
          report.latestAcceptedAfterLogoutMs = Math.max(report.latestAcceptedAfterLogoutMs, sent - at)
        }
      }
      const sent = Date.now()
      const answer = await me(app, live.accessToken)
      report.gets++
      if (answer.statusCode === 503) unavailable.push(sent)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  const workers = [worker(a), worker(b)]
  await new Promise((resolve) => setTimeout(resolve, 300))
  await failover()
  const promotedAt = Date.now()
  await new Promise((resolve) => setTimeout(resolve, 5000))
  load.running = false
  await Promise.all(workers)

  // Logouts answered 503 are retried once writes are confirmed again, as a client would retry them.
  await settled()
  let unfinished = 0
  for (const session of unconfirmed) {
    let answer = await logout(a, session.accessToken)
    for (let attempt = 1; attempt < 20 && answer.statusCode === 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      answer = await logout(a, session.accessToken)
    }
    // 401: an earlier attempt had ended the session, only its confirmation had failed.
    if (answer.statusCode === 204 || answer.statusCode === 401) revoked.push({ token: session.accessToken, at: Date.now() })
    else {
      unfinished++
      t.comment(`a logout retried after the failover answered ${answer.statusCode} ${answer.body}`)
    }
  }
  let lostRevocations = 0
  // Refused on each instance within the contract's 100 ms (the last logouts may have been made just now).
  for (const { token } of revoked) {
    for (const app of apps) {
      if (await within(100, async () => (await me(app, token)).statusCode === 401) >= 0) continue
      lostRevocations++
      t.comment(`a revoked token was still answered ${(await me(app, token)).statusCode} 100 ms on`)
    }
  }
  const first = unavailable[0] ?? 0
  const last = unavailable.at(-1) ?? 0
  const result: FailoverLoadReport = {
    ...report,
    lostRevocations: lostRevocations + unfinished,
    unavailableWindowMs: last - first,
    unavailableAfterPromotionMs: unavailable.length === 0 ? -1 : last - promotedAt,
    writesResumedAfterPromotionMs: (answered.find((at) => at >= promotedAt) ?? promotedAt - 1) - promotedAt
  }
  t.comment(`failover under load: ${JSON.stringify(result)}`)
  return result
}
