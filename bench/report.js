/** The one table a run prints: each scenario beside bare Fastify, then the reference rates and the goals. */

const fixed = (digits) => (value) => value === null || value === undefined ? '-' : value.toFixed(digits)
const whole = (value) => Math.round(value).toLocaleString('en-US')

const COLUMNS = [
  { title: 'scenario', value: (row) => row.name, align: 'left' },
  { title: 'req/s', value: (row) => whole(row.requestsPerSecond) },
  // autocannon counts whole milliseconds: 0 means under 1 ms.
  { title: 'p50 ms', value: (row) => fixed(0)(row.latencyMs.p50) },
  { title: 'p99 ms', value: (row) => fixed(0)(row.latencyMs.p99) },
  { title: '× bare', value: (row) => fixed(2)(row.ratioToBare) },
  { title: 'Redis cmd/req', value: (row) => fixed(3)(row.redisCommandsPerRequest) },
  { title: 'server CPU µs/req', value: (row) => fixed(0)(row.serverCpuMicrosPerRequest) },
  { title: 'server busy', value: (row) => row.serverCpuShare === null ? '-' : `${Math.round(row.serverCpuShare * 100)} %` },
  { title: 'non-2xx', value: (row) => String(row.non2xx + row.errors) }
]

function table (rows) {
  const cells = rows.map((row) => COLUMNS.map((column) => column.value(row)))
  const widths = COLUMNS.map((column, i) => Math.max(column.title.length, ...cells.map((line) => line[i].length)))
  const format = (line) => line.map((cell, i) => COLUMNS[i].align === 'left' ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join('  ')
  return [format(COLUMNS.map((column) => column.title)), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(format)].join('\n')
}

export function printReport ({ rows, references, goals, notes }) {
  const lines = ['', table(rows), '']
  const { verify, argon2, redisBackground: idle } = references
  lines.push(`bare Fastify: ${whole(references.bareRequestsPerSecond)} req/s, the mean of its two runs (the × bare column divides by it)`)
  if (idle !== undefined) lines.push(`Redis while no request came: ${idle.commands} commands in ${idle.seconds.toFixed(1)} s (gatehouse's timers; subtracted in cmd/req)`)
  lines.push(`raw crypto.verify (${verify.alg}): ${whole(verify.perSecond)}/s; distinct-token GET / raw verify = ${fixed(2)(references.distinctToVerify)}`)
  lines.push(`raw argon2id verify (${argon2.concurrency} at once): ${fixed(1)(argon2.perSecond)}/s; login / raw argon2id = ${fixed(2)(references.loginToArgon2)}`)
  if (argon2.perCore !== undefined) {
    const { concurrency, perSecond } = argon2.perCore
    lines.push(`raw argon2id verify (${concurrency} at once, one per core): ${fixed(1)(perSecond)}/s; login / that = ${fixed(2)(references.loginToArgon2PerCore)}`)
  }
  lines.push('', 'goals:')
  for (const goal of goals) {
    const value = typeof goal.value === 'number' ? goal.value.toFixed(3) : '-'
    lines.push(`  ${goal.met ? 'met    ' : 'NOT MET'}  ${goal.goal} (measured ${value}${goal.detail === undefined ? '' : `: ${goal.detail}`})`)
  }
  for (const note of notes) lines.push(`note: ${note}`)
  console.log(lines.join('\n'))
}
