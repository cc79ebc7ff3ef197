/**
 * Chained refreshes: each connection keeps its own refresh token in autocannon's per-connection context,
 * presents it, and keeps the one the answer rotates in, as a real client must (a token used twice ends the session).
 */

// autocannon resets a connection's context each time it comes to the end of its request list. A long list
// of the same request means no connection of a 50-connection run gets there (2,000 refreshes in 5 s is
// 20,000/s in all), so no chain is dropped mid-way. Longer lists slow autocannon's start; a connection that
// does wrap just starts over from a fresh seed.
const LIST_LENGTH = 2_000

/** `seeds`: refresh tokens, each from its own login; a connection takes one when it has none (first or broken). */
export function refreshChain (seeds) {
  const stats = { seeded: 0, broken: 0 }
  const request = {
    method: 'POST',
    path: '/auth/refresh',
    headers: { 'content-type': 'application/json' },
    setupRequest (req, context) {
      if (context.refreshToken === undefined && seeds.length > 0) {
        context.refreshToken = seeds.pop()
        stats.seeded++
      }
      // Without a token the request is sent anyway: its 401 shows in the non-2xx column instead of passing unseen.
      req.body = JSON.stringify(context.refreshToken === undefined ? {} : { refresh_token: context.refreshToken })
      return req
    },
    onResponse (status, body, context) {
      if (status === 200) {
        context.refreshToken = JSON.parse(body).refresh_token
        return
      }
      // Presenting the old token again would be reuse, which revokes the session: start over from a fresh seed.
      context.refreshToken = undefined
      stats.broken++
    }
  }
  return { requests: new Array(LIST_LENGTH).fill(request), stats }
}
