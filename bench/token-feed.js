/** Presents pre-signed tokens one per request, never twice, so each request costs a signature check. */

export function tokenFeed (tokens) {
  const stats = { presented: 0, repeated: 0 }
  const request = {
    setupRequest (req) {
      // Past the end the feed wraps around; `repeated` says so, since those requests hit the verification cache.
      if (stats.presented >= tokens.length) stats.repeated++
      req.headers.authorization = `Bearer ${tokens[stats.presented++ % tokens.length]}`
      return req
    }
  }
  return { requests: [request], stats }
}
