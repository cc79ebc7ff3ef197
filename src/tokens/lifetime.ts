/** How long something must outlive the tokens issued up to now: a revocation, a retired key. One rule, here. */
import { CLOCK_TOLERANCE_SECONDS } from '@gatehouse-auth/fastify'
import { epochSeconds } from '../ids.js'

/** The epoch second after which no token issued by now can still pass: the refresh lifetime, plus the skew. */
export function untilEveryTokenExpired (refreshTtl: number, now: number = epochSeconds()): number {
  return now + refreshTtl + CLOCK_TOLERANCE_SECONDS
}
