/** Where an access token travels: the Authorization header (bearer) or the access_token cookie. */
import { InvalidTokenError, MissingTokenError } from '../errors.js'
import { ACCESS_COOKIE } from './cookies.js'

export interface PresentedToken {
  token: string
  via: 'bearer' | 'cookie'
}

// RFC 6750 2.1: b64token. The scheme name is case-insensitive.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

/**
 * The header wins over the cookie: a page on another site can make a browser send cookies, never
 * an Authorization header, so only the cookie transport needs CSRF protection.
 */
export function readAccessToken (headers: { authorization?: string }, cookies: Record<string, string | undefined> | undefined): PresentedToken {
  const header = headers.authorization
  if (header !== undefined && header !== '') {
    if (!/^Bearer\b/i.test(header)) throw new MissingTokenError()
    const match = BEARER.exec(header)
    if (match?.[1] === undefined) throw new InvalidTokenError('malformed Authorization header')
    return { token: match[1], via: 'bearer' }
  }
  const cookie = cookies?.[ACCESS_COOKIE]
  if (cookie !== undefined && cookie !== '') return { token: cookie, via: 'cookie' }
  throw new MissingTokenError()
}
