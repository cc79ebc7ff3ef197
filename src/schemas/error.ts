/** The one shape of every error answer. */
import { Type, type Static } from '@sinclair/typebox'

export const ErrorReply = Type.Object({
  statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
  code: Type.String({ examples: ['AUTH_INVALID_TOKEN'] }),
  error: Type.String({ examples: ['Unauthorized'] }),
  message: Type.String()
}, { title: 'Error', description: 'Every error: the HTTP status, a stable code, the status text and a readable message' })

export type ErrorReplyBody = Static<typeof ErrorReply>
