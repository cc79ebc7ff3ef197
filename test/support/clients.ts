/** Service clients for tests: registered through the admin API, and token requests as RFC 6749 clients send them. */
import { bearer, type TestApp } from './auth.js'

export interface RegisteredClient {
  client_id: string
  client_secret: string
  name: string
  scopes: string[]
  created_at: string
}

export async function registerClient (app: TestApp, adminToken: string, name: string, scopes: string[] = []): Promise<RegisteredClient> {
  const res = await app.inject({ method: 'POST', url: '/admin/clients', headers: bearer(adminToken), payload: { name, scopes } })
  if (res.statusCode !== 201) throw new Error(`client registration failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** RFC 6749 2.3.1: id and secret are form-urlencoded, then joined and base64-encoded. */
export function basicAuth (clientId: string, clientSecret: string) {
  return { authorization: 'Basic ' + Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64') }
}

/** POST /auth/token with a form body. */
export async function requestToken (app: TestApp, form: Record<string, string>, headers: Record<string, string> = {}) {
  return await app.inject({
    method: 'POST',
    url: '/auth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString()
  })
}

/** A service token for a registered client, by HTTP Basic. */
export async function serviceToken (app: TestApp, client: RegisteredClient, scope?: string): Promise<string> {
  const res = await requestToken(app, { grant_type: 'client_credentials', ...(scope === undefined ? {} : { scope }) }, basicAuth(client.client_id, client.client_secret))
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return res.json().access_token
}
