/** The scenarios of one run, side by side: the bare ceiling, then gatehouse's routes under the same load. */
import { refreshChain } from './refresh-chain.js'
import { tokenFeed } from './token-feed.js'

/**
 * `kind` says which goal a row answers to: 'ceiling' (the reference), 'cached-get' (one token again and again,
 * verified once then cached), 'distinct-get' (a signature check per request), 'login', 'refresh'.
 * `stats`, when present, is the feed's own count of what it sent.
 */
const scenario = (id, name, kind, options, stats) => ({ id, name, kind, options, stats })

/** In the order they run; bare Fastify runs twice, before and after the GETs, so drift on the machine shows. */
export function scenarios (env, { bearer, apiKey, cookie, tokens, seeds, credentials }) {
  const gatehouse = env.gatehouse.baseUrl
  const bare = { url: `${env.bare.baseUrl}/dashboard` }
  const dashboard = `${gatehouse}/examples/dashboard`
  const json = { 'content-type': 'application/json' }
  const feed = tokenFeed(tokens)
  const chain = refreshChain(seeds)
  const loginBody = JSON.stringify({ ...credentials, mode: 'token' })
  return [
    scenario('bare', 'bare Fastify GET /dashboard', 'ceiling', bare),
    scenario('dashboard-bearer', 'GET /examples/dashboard (bearer)', 'cached-get', { url: dashboard, headers: { authorization: `Bearer ${bearer}` } }),
    // A GET needs no X-CSRF-Token, even with the cookie: only unsafe methods do.
    scenario('dashboard-cookie', 'GET /examples/dashboard (cookie)', 'cached-get', { url: dashboard, headers: { cookie } }),
    // A personal API key: verified and cached as an access token is, so the same ratio.
    scenario('dashboard-api-key', 'GET /examples/dashboard (API key)', 'cached-get', { url: dashboard, headers: { authorization: `Bearer ${apiKey}` } }),
    scenario('me-bearer', 'GET /auth/me (bearer)', 'cached-get', { url: `${gatehouse}/auth/me`, headers: { authorization: `Bearer ${bearer}` } }),
    // Forward auth, as nginx asks it: the proxied request's token and method, a requirement in the query.
    scenario('verify-bearer', 'GET /auth/verify (forward auth, bearer)', 'cached-get', { url: `${gatehouse}/auth/verify?roles=admin`, headers: { authorization: `Bearer ${bearer}`, 'x-original-method': 'GET' } }),
    scenario('dashboard-distinct', 'GET /examples/dashboard (distinct tokens)', 'distinct-get', { url: dashboard, requests: feed.requests }, feed.stats),
    scenario('bare-again', 'bare Fastify GET /dashboard (again)', 'ceiling', bare),
    scenario('login', 'POST /auth/login (token mode)', 'login', { url: `${gatehouse}/auth/login`, method: 'POST', headers: json, body: loginBody }),
    scenario('refresh', 'POST /auth/refresh (chained)', 'refresh', { url: `${gatehouse}/auth/refresh`, requests: chain.requests }, chain.stats)
  ]
}
