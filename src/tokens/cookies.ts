/** The three session cookies, with exactly the contract's names and attributes. */
import { ACCESS_COOKIE } from '@gatehouse-auth/fastify'

export { ACCESS_COOKIE }
export const REFRESH_COOKIE = 'refresh_token'
export const CSRF_COOKIE = 'csrf_token'

export interface CookieAttributes {
  httpOnly: boolean
  sameSite: 'lax' | 'strict'
  path: string
  secure: boolean
  maxAge?: number
}

export interface SessionCookie {
  name: string
  value: string
  attributes: CookieAttributes
}

export interface CookieSettings {
  secure: boolean
  accessTtl: number
  refreshTtl: number
}

function attributesOf (name: string, { secure }: CookieSettings): CookieAttributes {
  switch (name) {
    // Lax: sent on top-level navigations from other sites (links into the app), never on their subrequests.
    case ACCESS_COOKIE: return { httpOnly: true, sameSite: 'lax', path: '/', secure }
    // Strict, and only to /auth: the refresh token goes nowhere but the refresh and logout endpoints.
    case REFRESH_COOKIE: return { httpOnly: true, sameSite: 'strict', path: '/auth', secure }
    // Readable by the page's script, which copies it into X-CSRF-Token.
    default: return { httpOnly: false, sameSite: 'strict', path: '/', secure }
  }
}

export function sessionCookies (tokens: { accessToken: string, refreshToken: string, csrf: string }, settings: CookieSettings): SessionCookie[] {
  return [
    { name: ACCESS_COOKIE, value: tokens.accessToken, attributes: { ...attributesOf(ACCESS_COOKIE, settings), maxAge: settings.accessTtl } },
    { name: REFRESH_COOKIE, value: tokens.refreshToken, attributes: { ...attributesOf(REFRESH_COOKIE, settings), maxAge: settings.refreshTtl } },
    { name: CSRF_COOKIE, value: tokens.csrf, attributes: { ...attributesOf(CSRF_COOKIE, settings), maxAge: settings.refreshTtl } }
  ]
}

/** The same cookies, expired: a browser deletes a cookie only when name, path and domain all match. */
export function clearedSessionCookies (settings: CookieSettings): SessionCookie[] {
  return [ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE].map((name) => ({ name, value: '', attributes: { ...attributesOf(name, settings), maxAge: 0 } }))
}
