/** Who is calling the token endpoint: HTTP Basic or body credentials (RFC 6749 2.3.1), never both. */
import { OAuthInvalidClientError, OAuthInvalidRequestError } from '../errors.js'

export interface ClientCredentials {
  clientId: string
  clientSecret: string
  via: 'basic' | 'body'
}

/** RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encodes them. */
function formDecode (text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '))
}

export function readClientCredentials (authorization: string | undefined, body: { client_id?: string, client_secret?: string }): ClientCredentials {
  const basic = authorization !== undefined && /^Basic\b/i.test(authorization)
  const inBody = body.client_id !== undefined || body.client_secret !== undefined
  if (basic && inBody) throw new OAuthInvalidRequestError('use one client authentication method, not both')
  if (basic) {
    const decoded = Buffer.from(authorization.replace(/^Basic\s+/i, ''), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 1) throw new OAuthInvalidClientError('malformed Basic credentials')
    try {
      return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)), via: 'basic' }
    } catch {
      throw new OAuthInvalidClientError('malformed Basic credentials')
    }
  }
  if (body.client_id === undefined || body.client_secret === undefined) throw new OAuthInvalidClientError('client authentication is required')
  return { clientId: body.client_id, clientSecret: body.client_secret, via: 'body' }
}
