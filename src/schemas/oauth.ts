/** What the OAuth endpoints (token, introspect, revoke) share: their error shape and the client's form fields. */
import { Type } from '@sinclair/typebox'

export const OAuthError = Type.Object({
  error: Type.String({ description: 'invalid_request, invalid_client, unsupported_grant_type or invalid_scope' }),
  error_description: Type.String(),
  statusCode: Type.Integer(),
  code: Type.String(),
  message: Type.String()
}, { title: 'OAuth error (RFC 6749 5.2)' })

/** RFC 6749 2.3.1: the client's credentials as form fields, when it does not use HTTP Basic. */
export const ClientAuthenticationFields = {
  client_id: Type.Optional(Type.String({ maxLength: 256 })),
  client_secret: Type.Optional(Type.String({ maxLength: 512 }))
}
