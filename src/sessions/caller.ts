/** Who a user-only route acts for: a user's access token or API key, never a service client's token. */
import { ForbiddenError, type AccessClaims } from '@gatehouse-auth/fastify'

/** The user's id; a service token (it has no user, sessions or API keys) is a 403. */
export function userIdOf (claims: AccessClaims): string {
  if (claims.type === 'api_key' || claims.sid !== undefined) return claims.sub
  throw new ForbiddenError('a user\'s token: service tokens have no sessions or API keys')
}
