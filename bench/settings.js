/** How long and how hard each scenario runs: one place, so the whole run stays within a few minutes. */

function positiveInteger (name, fallback) {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a whole number from 1`)
  return value
}

export const settings = {
  // Seconds per scenario: a warm-up run lets V8 optimise the hot paths before the measured run counts.
  warmup: positiveInteger('BENCH_WARMUP', 1),
  duration: positiveInteger('BENCH_DURATION', 5),
  // Enough to keep one server core busy; pipelining 1 so each connection behaves like one client.
  connections: positiveInteger('BENCH_CONNECTIONS', 50),
  pipelining: 1,
  // The reference loops: long enough to smooth noise, short enough for the time budget.
  verifySeconds: 2,
  argon2Seconds: 3,
  // The hard stop: a hung child or connection must not keep the run (or CI) waiting forever.
  watchdogSeconds: 300
}
