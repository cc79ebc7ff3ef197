/** Security events: one structured log line each, for operators to grep or ship. Never a password, token or secret. */

export const SECURITY_EVENTS = [
  'login.succeeded', // user_id, session_id
  'login.failed', // user_id when the user exists
  'login.rate_limited',
  'refresh.succeeded', // user_id, session_id
  'refresh.retried', // user_id, session_id: the token was presented again within REFRESH_REUSE_GRACE, answered with the same chain
  'refresh.reuse_detected', // user_id, session_id: the session is revoked
  'logout', // user_id or client_id, session_id
  'logout_all', // user_id
  'session.ended', // user_id, session_id: its owner signed it out from the sessions list
  'api_key.created', // user_id, api_key_id
  'api_key.first_used', // user_id, api_key_id: the first request it authenticated
  'api_key.revoked', // user_id (or target_user_id, by an admin), api_key_id
  'password.changed', // user_id, session_id kept
  'user.created', // target_user_id
  'user.updated', // target_user_id, changes (field names only)
  'user.deleted', // target_user_id
  'user.sessions_revoked', // target_user_id, count
  'client.created', // target_client_id
  'client.deleted', // target_client_id
  'client.token_issued', // client_id, scope
  'client.authentication_failed', // client_id
  'token.revoked', // client_id, token_type: RFC 7009 by a client
  'token.revoke_refused', // client_id, token_type: a valid token the client may not revoke (answered 200 all the same)
  'key.rotated' // kid, retired_kid
] as const

export type SecurityEvent = typeof SECURITY_EVENTS[number]

/** What an event line may carry besides its name, the request id and the client address. */
export interface SecurityEventFields {
  user_id?: string
  client_id?: string
  session_id?: string
  api_key_id?: string
  target_user_id?: string
  target_client_id?: string
  changes?: string[]
  count?: number
  scope?: string
  kid?: string
  retired_kid?: string
  token_type?: 'access_token' | 'refresh_token'
}
