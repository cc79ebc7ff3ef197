/** Writes a run's results as JSON under bench/results/ (ignored by git), with the machine they were measured on. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

const RESULTS = new URL('results/', import.meta.url)

/** The numbers only mean something beside the machine that produced them. */
export function machine () {
  const cores = cpus()
  return { cpus: cores.length, cpuModel: cores[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` }
}

export function writeResults (name, data) {
  mkdirSync(RESULTS, { recursive: true })
  const file = new URL(name, RESULTS)
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`)
  return fileURLToPath(file)
}
