/** A TCP port that is free on 127.0.0.1 right now (the kernel picks it). */
import { createServer } from 'node:net'

export async function freePort () {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}
