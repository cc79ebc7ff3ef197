/** `--profile[=scenario]`: one scenario alone (the bearer dashboard unless named), its server under --cpu-prof. */
import { prepareFixtures } from './fixtures.js'
import { scenarios } from './scenarios.js'
import { measure } from './load.js'

// Placeholder servers: the list is built only to look a name up before anything starts.
const LOOKUP = { gatehouse: { baseUrl: 'http://127.0.0.1' }, bare: { baseUrl: 'http://127.0.0.1' } }

/** Which scenario to run and which server to profile; throws, naming the choices, on an unknown name. */
export function profileTarget (id = 'dashboard-bearer') {
  const known = scenarios(LOOKUP, {})
  const scenario = known.find((candidate) => candidate.id === id)
  if (scenario === undefined) throw new Error(`--profile=${id}: no such scenario; one of ${known.map((candidate) => candidate.id).join(', ')}`)
  return { id, kind: scenario.kind, server: scenario.kind === 'ceiling' ? 'bare' : 'gatehouse' }
}

export async function profileScenario (env, settings, log, target) {
  const fixtures = await prepareFixtures(env, settings, log, { tokens: target.kind === 'distinct-get', seeds: target.kind === 'refresh' })
  const scenario = scenarios(env, fixtures).find((candidate) => candidate.id === target.id)
  log(`scenario: ${scenario.name}, ${target.server} profiled`)
  const [server, redis] = scenario.kind === 'ceiling' ? [env.bare] : [env.gatehouse, env.redis]
  const measured = await measure({ options: scenario.options, server, redis, settings, background: fixtures.background })
  return { id: target.id, name: `${scenario.name}, ${target.server} under --cpu-prof`, ...measured, notes: [] }
}
