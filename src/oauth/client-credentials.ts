/** The OAuth 2.0 client credentials grant (RFC 6749 4.4): a registered service gets an access token of its own. */
import { randomUUID } from 'node:crypto'
import type { ClientRecord } from '../stores/clients.js'
import type { TokenSigner } from '../tokens/sign.js'
import type { AccessClaims } from '@gatehouse-auth/fastify'
import type { TokenSettings } from '../sessions/issue.js'
import { OAuthInvalidRequestError, OAuthInvalidScopeError, OAuthUnsupportedGrantTypeError } from '../errors.js'
import { epochSeconds } from '../ids.js'

export interface ServiceToken {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope: string
}

// RFC 6749 3.3: scope tokens are printable ASCII except space, double quote and backslash.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** For a client already authenticated (fastify.authenticateClient). */
export function createClientCredentialsGrant (sign: TokenSigner, settings: TokenSettings) {
  return function grant (client: ClientRecord, input: { grantType: string | undefined, scope: string | undefined }): ServiceToken {
    if (input.grantType === undefined) throw new OAuthInvalidRequestError('grant_type is required')
    if (input.grantType !== 'client_credentials') throw new OAuthUnsupportedGrantTypeError('only client_credentials is supported')

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
      client_id: client.id, // RFC 9068; and no username: nothing a client is named makes its token look like a user's
      fresh: false
    }
    return { access_token: sign(claims), token_type: 'Bearer', expires_in: settings.accessTtl, scope }
  }
}
