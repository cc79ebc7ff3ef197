/** Users and sign-ins for tests: created through the store, signed in through the real routes. */
import type { LightMyRequestResponse } from 'fastify'
import type { build } from '../helper.js'
import { hashPassword } from '../../src/passwords.js'

export type TestApp = Awaited<ReturnType<typeof build>>

export const PASSWORD = 'correct horse battery staple'

export async function createUser (app: TestApp, username: string, roles: string[] = [], password = PASSWORD) {
  return await app.store.users.create({ username, passwordHash: await hashPassword(password), roles })
}

export interface TokenSession {
  accessToken: string
  refreshToken: string
  userId: string
}

export async function loginWithTokens (app: TestApp, username: string, password = PASSWORD): Promise<TokenSession> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, mode: 'token' } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  const body = res.json()
  return { accessToken: body.access_token, refreshToken: body.refresh_token, userId: body.user.id }
}

/** A user with these roles, signed in with tokens. */
export async function signedInUser (app: TestApp, username: string, roles: string[] = []): Promise<TokenSession> {
  await createUser(app, username, roles)
  return await loginWithTokens(app, username)
}

export interface CookieSession {
  cookies: Record<string, string>
  csrf: string
  /** The Cookie header a browser would send to `path`. */
  header (path?: string): string
}

export function cookiesOf (res: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(res.cookies.map((cookie) => [cookie.name, cookie.value]))
}

export function cookieSession (cookies: Record<string, string>): CookieSession {
  return {
    cookies,
    csrf: cookies.csrf_token ?? '',
    // refresh_token has Path=/auth: a browser sends it only there.
    header: (path = '/') => Object.entries(cookies)
      .filter(([name, value]) => value !== '' && (name !== 'refresh_token' || path.startsWith('/auth')))
      .map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

export async function loginWithCookies (app: TestApp, username: string, password = PASSWORD): Promise<CookieSession> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return cookieSession(cookiesOf(res))
}

export function bearer (token: string) {
  return { authorization: `Bearer ${token}` }
}
