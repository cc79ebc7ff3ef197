/** Errors raised before routing answer in the contract's JSON shape, tested on a raw socket. */
import { test } from 'tap'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { build } from '../helper.js'

async function raw (port: number, request: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request))
    let answer = ''
    socket.on('data', (chunk) => { answer += String(chunk) })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}

function parse (answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), head, body: JSON.parse(body) as Record<string, unknown> }
}

test('a malformed request line or header answers 400, headers too large 431, as JSON with a code', async (t) => {
  const app = await build(t, { mode: 'embedded' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  for (const request of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'GET /\x00 HTTP/1.1\r\n\r\n']) {
    const answer = parse(await raw(port, request))
    t.equal(answer.status, 400, JSON.stringify(request))
    t.match(answer.head, /content-type: application\/json/i)
    t.same(answer.body, { statusCode: 400, code: 'BAD_REQUEST', error: 'Bad Request', message: 'The request could not be read as HTTP' })
  }
  const large = parse(await raw(port, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`))
  t.equal(large.status, 431)
  t.same(large.body, { statusCode: 431, code: 'HEADERS_TOO_LARGE', error: 'Request Header Fields Too Large', message: 'The request headers are too large' })
  const fine = await raw(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  t.match(fine, /^HTTP\/1\.1 200/, 'a well-formed request is unaffected')
})
