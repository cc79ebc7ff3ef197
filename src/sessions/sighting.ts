/** Where a request came from, as a session shows it to its owner: bounded, and never trusted for anything. */
import type { SessionSighting } from '../stores/sessions.js'
import { epochSeconds } from '../ids.js'

export const USER_AGENT_MAX_LENGTH = 256
export const IP_MAX_LENGTH = 64

export function sightingOf (request: { headers: { 'user-agent'?: string | undefined }, ip: string }): SessionSighting {
  return {
    at: epochSeconds(),
    userAgent: (request.headers['user-agent'] ?? '').slice(0, USER_AGENT_MAX_LENGTH),
    ip: request.ip.slice(0, IP_MAX_LENGTH)
  }
}
