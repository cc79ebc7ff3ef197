/**
 * Errors before routing (a malformed request line or header, headers too large, a request that timed out) are
 * answered in the same JSON shape as every other error, straight on the socket: no route, hook or handler ran.
 */
import type { Socket } from 'node:net'
import { STATUS_CODES } from 'node:http'

const ANSWERS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT']
}

export function answerClientError (err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return
  const [statusCode, code] = ANSWERS[err.code ?? ''] ?? [400, 'BAD_REQUEST']
  const error = STATUS_CODES[statusCode] ?? 'Error'
  const body = JSON.stringify({ statusCode, code, error, message: statusCode === 431 ? 'The request headers are too large' : 'The request could not be read as HTTP' })
  socket.end(`HTTP/1.1 ${statusCode} ${error}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}
