/** The targets the numbers are judged against, and whether this run met them. */

export const TARGETS = {
  cachedGetRatio: 0.8, // an authenticated GET keeps at least 80 % of bare Fastify's rate
  redisCommandsPerGet: 0, // revocations are checked in a local view, so an authenticated GET never asks Redis
  loginRatio: 0.9 // login within 10 % of raw argon2: the password hash is the whole cost
}

// A request that asked Redis anything would add at least 1 per request. The timers' expected share is
// subtracted already; what may be left is one of their ticks landing in this window and not the average
// (the key ring reload is 4 commands, the feed's heartbeat 1), or under 1 command per 1000 requests.
const TIMER_TICK = 5
const REDIS_NOISE_FLOOR = 0.001

const count = (value) => Math.round(value).toLocaleString('en-US')

/** One entry per goal and scenario: what was measured, against what, met or not. */
export function evaluateGoals (rows, references) {
  const goals = []
  for (const row of rows.filter((r) => r.kind === 'cached-get')) {
    goals.push({ goal: `${row.name} ≥ ${TARGETS.cachedGetRatio} × bare`, value: row.ratioToBare, met: row.ratioToBare >= TARGETS.cachedGetRatio })
  }
  for (const row of rows.filter((r) => r.kind === 'cached-get' || r.kind === 'distinct-get')) {
    goals.push({
      goal: `${row.name}: ${TARGETS.redisCommandsPerGet} Redis commands per request`,
      value: row.redisCommandsPerRequest,
      detail: `${count(row.redisCommands)} commands, ${count(row.redisTimerCommands)} of them expected from timers, in ${count(row.requests)} requests`,
      met: row.redisNetCommands <= Math.max(TIMER_TICK, REDIS_NOISE_FLOOR * row.requests)
    })
  }
  const loginRatio = references.loginToArgon2
  if (loginRatio !== null) goals.push({ goal: `login ≥ ${TARGETS.loginRatio} × raw argon2id`, value: loginRatio, met: loginRatio >= TARGETS.loginRatio })
  return goals
}
