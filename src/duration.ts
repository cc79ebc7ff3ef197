/** Durations in configuration: plain seconds (`900`) or a number with one unit (`90s`, `15m`, `12h`, `7d`). */

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

export const DURATION_PATTERN = '^[0-9]+[smhd]?$'

/** Seconds in a duration string, or undefined when it is not one (or is zero). */
export function parseDuration (text: string): number | undefined {
  const match = /^([0-9]+)([smhd]?)$/.exec(text.trim())
  if (match === null) return undefined
  const seconds = Number(match[1]) * (SECONDS_PER_UNIT[match[2] ?? ''] ?? 1)
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined
}
