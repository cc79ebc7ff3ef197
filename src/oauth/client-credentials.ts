/** The OAuth 2.0 client credentials grant (RFC 6749 4.4): a registered service gets an access token of its own. */
import { randomUUID } from 'node:crypto'
import type { ClientStore } from '../stores/clients.js'
import type { TokenSigner } from '../tokens/sign.js'
import type { AccessClaims } from '@gatehouse-auth/fastify'
import type { TokenSettings } from '../sessions/issue.js'
import { clientSecretMatches } from '../admin/client-secrets.js'
import { OAuthInvalidClientError, OAuthInvalidRequestError, OAuthInvalidScopeError, OAuthUnsupportedGrantTypeError } from '../errors.js'
import { epochSeconds } from '../ids.js'

export interface ServiceToken {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope: string
}

// RFC 6749 3.3: scope tokens are printable ASCII except space, double quote and backslash.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

export function createClientCredentialsGrant (clients: ClientStore, sign: TokenSigner, settings: TokenSettings) {
  return async function grant (input: { grantType: string | undefined, scope: string | undefined, clientId: string, clientSecret: string }): Promise<ServiceToken> {
    if (input.grantType === undefined) throw new OAuthInvalidRequestError('grant_type is required')
    if (input.grantType !== 'client_credentials') throw new OAuthUnsupportedGrantTypeError('only client_credentials is supported')
    const client = await clients.findById(input.clientId)
    if (!clientSecretMatches(client?.secretHash, input.clientSecret) || client === undefined) throw new OAuthInvalidClientError('unknown client or wrong secret')

    const requested = (input.scope ?? '').split(' ').filter((scope) => scope !== '')
    if (requested.some((scope) => !SCOPE_TOKEN.test(scope))) throw new OAuthInvalidScopeError('malformed scope')
    const refused = requested.filter((scope) => !client.scopes.includes(scope))
    if (refused.length > 0) throw new OAuthInvalidScopeError(`not granted to this client: ${refused.join(' ')}`)
    const scope = (requested.length > 0 ? [...new Set(requested)] : client.scopes).join(' ')

    const iat = epochSeconds()
    const claims: AccessClaims = {
      iss: settings.issuer,
      aud: settings.audience,
      sub: client.id,
      iat,
      exp: iat + settings.accessTtl,
      jti: randomUUID(),
      type: 'access',
      roles: [],
      scope,
      username: client.name,
      fresh: false
    }
    return { access_token: sign(claims), token_type: 'Bearer', expires_in: settings.accessTtl, scope }
  }
}
