/** Request and reply bodies of the API key routes. */
import { Type } from '@sinclair/typebox'
import type { ApiKeyRecord } from '../stores/api-keys.js'
import { API_KEY_MAX_LIFETIME_SECONDS } from '../sessions/api-keys.js'

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

export const CreateApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, description: 'what the key is for, to tell keys apart' }),
  roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { uniqueItems: true, maxItems: 64, description: 'a subset of your roles, possibly empty; all of them when absent' })),
  expires_in: Type.Optional(Type.Integer({ minimum: 60, maximum: API_KEY_MAX_LIFETIME_SECONDS, description: 'seconds, at most a year; 90 days when absent' }))
}, { additionalProperties: false })

export const ApiKeyItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time' })
}, { title: 'API key' })

export const CreatedApiKeyReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  expires_at: Type.String({ format: 'date-time' }),
  api_key: Type.String({ description: 'shown this once: send it as Authorization: Bearer <api_key>; only its hash is kept' })
}, { title: 'New API key' })

export const ApiKeyListReply = Type.Object({ api_keys: Type.Array(ApiKeyItem) }, { title: 'API keys' })

export const ApiKeyIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export const apiKeyItem = (key: ApiKeyRecord) => ({ id: key.id, name: key.name, roles: key.roles, created_at: iso(key.createdAt), expires_at: iso(key.expiresAt) })
export const apiKeyListReply = (keys: ApiKeyRecord[]) => ({ api_keys: keys.map(apiKeyItem) })
