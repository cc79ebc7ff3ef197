/** The full comparison: every scenario against the same servers, the reference rates, ratios and goals. */
import { cpus } from 'node:os'
import { prepareFixtures } from './fixtures.js'
import { POOL_SIZE, measureArgon2Rate } from './argon2-reference.js'
import { scenarios } from './scenarios.js'
import { measure } from './load.js'
import { evaluateGoals } from './goals.js'

// Two bare runs further apart than this mean the machine's speed changed during the run.
const DRIFT = 0.1

const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? null : a / b)
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length

function notesOn (rows, ceiling) {
  const notes = []
  const bare = rows.filter((row) => row.kind === 'ceiling').map((row) => row.requestsPerSecond)
  const spread = (Math.max(...bare) - Math.min(...bare)) / ceiling
  if (spread > DRIFT) notes.push(`the two bare Fastify runs differ by ${Math.round(spread * 100)} %: the machine was not quiet, so ratios are rough`)
  for (const row of rows) {
    if (row.non2xx + row.errors > 0) notes.push(`${row.name}: ${row.non2xx} non-2xx answers and ${row.errors} errors or timeouts`)
    if (row.feed?.repeated > 0) notes.push(`${row.name}: ${row.feed.repeated} tokens presented twice (verification cache hits); raise the token count`)
    if (row.feed?.broken > 0) notes.push(`${row.name}: ${row.feed.broken} refreshes failed and their chains restarted from a new seed`)
  }
  return notes
}

export async function runSuite (env, settings, log) {
  const fixtures = await prepareFixtures(env, settings, log)
  const rows = []
  let argon2
  for (const scenario of scenarios(env, fixtures)) {
    if (scenario.kind === 'login') {
      // Just before the logins, so both see the machine in the same state.
      log(`reference: raw argon2id verify, ${POOL_SIZE} at once, for ${settings.argon2Seconds} s`)
      argon2 = await measureArgon2Rate(settings.argon2Seconds)
      // Memory-hard hashing can run slower with more threads than cores: one per core shows whether it does here.
      const cores = cpus().length
      if (cores < POOL_SIZE) {
        log(`reference: raw argon2id verify, ${cores} at once, for ${settings.argon2Seconds} s`)
        argon2.perCore = await measureArgon2Rate(settings.argon2Seconds, cores)
      }
    }
    log(`scenario: ${scenario.name}`)
    const [server, redis] = scenario.kind === 'ceiling' ? [env.bare] : [env.gatehouse, env.redis]
    // The run's clock window only serves to cut a CPU profile; the table has no use for it.
    const { window, ...measured } = await measure({ options: scenario.options, server, redis, settings, background: fixtures.background })
    rows.push({ id: scenario.id, name: scenario.name, kind: scenario.kind, ...measured, ...(scenario.stats === undefined ? {} : { feed: { ...scenario.stats } }) })
  }
  const ceiling = mean(rows.filter((row) => row.kind === 'ceiling').map((row) => row.requestsPerSecond))
  for (const row of rows) row.ratioToBare = ratio(row.requestsPerSecond, ceiling)

  const references = {
    bareRequestsPerSecond: ceiling,
    verify: fixtures.verify,
    argon2,
    redisBackground: fixtures.background,
    distinctToVerify: ratio(rows.find((row) => row.kind === 'distinct-get')?.requestsPerSecond, fixtures.verify.perSecond),
    loginToArgon2: ratio(rows.find((row) => row.kind === 'login')?.requestsPerSecond, argon2?.perSecond),
    loginToArgon2PerCore: ratio(rows.find((row) => row.kind === 'login')?.requestsPerSecond, argon2?.perCore?.perSecond)
  }
  return { rows, references, goals: evaluateGoals(rows, references), notes: notesOn(rows, ceiling), tokenCount: fixtures.tokens.length }
}
