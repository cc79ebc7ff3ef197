/** Reads a V8 .cpuprofile and answers where the time went: self time per function and per origin. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// Samples taken while the process waited: they say nothing about what is slow.
const IDLE = new Set(['(idle)'])

/** Where a function comes from: a package, node's internals, gatehouse's own code, or V8 itself. */
function originOf (url) {
  if (url === '') return '(V8 / native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg !== null) return pkg[1]
  if (url.startsWith('node:')) return 'node core'
  const ours = /\/(dist|bench)\/(.+)$/.exec(url)
  return ours === null ? url : `${ours[1] === 'bench' ? 'bench' : 'gatehouse'} ${ours[2].split('/').slice(0, 2).join('/')}`
}

function shortUrl (url) {
  return url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/(dist|bench)\//, '$1/')
}

function top (map, total, limit) {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([name, hits]) => ({ name, percent: (100 * hits) / total }))
}

/**
 * Samples per node id, only those taken inside `window` (microseconds of the monotonic clock, which the
 * profile's timestamps share with process.hrtime): start-up and shutdown are not what the scenario measures.
 */
function samplesPerNode (profile, window) {
  const counts = new Map()
  let time = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i]
    if (window !== undefined && (time < window.start || time > window.end)) continue
    counts.set(profile.samples[i], (counts.get(profile.samples[i]) ?? 0) + 1)
  }
  return counts
}

/** Summarises the newest .cpuprofile in `dir`: the `limit` heaviest functions and origins by self time. */
export function summariseCpuProfile (dir, { window, limit = 20 } = {}) {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).sort()
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}: did the server exit gracefully?`)
  const file = join(dir, files[files.length - 1])
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const counts = samplesPerNode(profile, window)
  const functions = new Map()
  const origins = new Map()
  let busy = 0
  let idle = 0
  for (const { id, callFrame } of profile.nodes) {
    const hits = counts.get(id) ?? 0
    if (hits === 0) continue
    if (IDLE.has(callFrame.functionName)) {
      idle += hits
      continue
    }
    busy += hits
    // One entry per function, however many call paths reach it: self time is what the function itself spent.
    const name = `${callFrame.functionName || '(anonymous)'} ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + hits)
    const origin = originOf(callFrame.url)
    origins.set(origin, (origins.get(origin) ?? 0) + hits)
  }
  return { file, samples: busy + idle, busySamples: busy, idlePercent: (100 * idle) / Math.max(1, busy + idle), functions: top(functions, busy, limit), origins: top(origins, busy, limit) }
}

export function formatCpuProfile (summary) {
  const lines = [
    `profile: ${summary.file}`,
    `${summary.samples} samples in the measured run, ${summary.idlePercent.toFixed(1)} % idle`,
    '',
    'self time by function (% of busy samples):'
  ]
  for (const { name, percent } of summary.functions) lines.push(`  ${percent.toFixed(1).padStart(5)} %  ${name}`)
  lines.push('', 'self time by origin:')
  for (const { name, percent } of summary.origins) lines.push(`  ${percent.toFixed(1).padStart(5)} %  ${name}`)
  return lines.join('\n')
}
