/** Where an access token travels: the Authorization header (bearer) or the access_token cookie. */
import { InvalidTokenError, MissingTokenError } from './errors.js'

export const ACCESS_COOKIE = 'access_token'

export interface PresentedToken {
  token: string
  via: 'bearer' | 'cookie'
}

// RFC 6750 2.1: b64token. The scheme name is case-insensitive.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

/**
 * The access_token cookie's value, read from the Cookie header itself, so a service needs no cookie plugin.
 * More than one is refused: a sibling subdomain can add a cookie of the same name, and must not pick the identity.
 */
function accessCookie (header: string | undefined): string | undefined {
  if (header === undefined || !header.includes(ACCESS_COOKIE)) return undefined
  let found: string | undefined
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=')
    if (separator < 0 || pair.slice(0, separator).trim() !== ACCESS_COOKIE) continue
    if (found !== undefined) throw new InvalidTokenError(`more than one ${ACCESS_COOKIE} cookie`)
    found = pair.slice(separator + 1).trim()
  }
  return found
}

/**
 * The header wins over the cookie: a page on another site can make a browser send cookies, never
 * an Authorization header, so only the cookie transport needs CSRF protection.
 */
export function readAccessToken (headers: { authorization?: string, cookie?: string }): PresentedToken {
  const header = headers.authorization
  if (header !== undefined && header !== '') {
    if (!/^Bearer\b/i.test(header)) throw new MissingTokenError()
    const match = BEARER.exec(header)
    if (match?.[1] === undefined) throw new InvalidTokenError('malformed Authorization header')
    return { token: match[1], via: 'bearer' }
  }
  const cookie = accessCookie(headers.cookie)
  if (cookie !== undefined && cookie !== '') return { token: cookie, via: 'cookie' }
  throw new MissingTokenError()
}
