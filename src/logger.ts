/** pino options: the configured level, and secrets redacted wherever they could appear in a log line. */
import type { Config } from './config.js'

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.client_secret',
  '*.access_token',
  '*.refresh_token',
  '*.passwordHash',
  '*.secretHash'
]

export function loggerOptions (config: Pick<Config, 'LOG_LEVEL'>) {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' }
  }
}
