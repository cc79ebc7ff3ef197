/** What the scenarios present: a bearer token, an API key, a session cookie, distinct pre-signed tokens, refresh seeds. */
import { admin } from './environment.js'
import { loginForCookie, loginForTokens, loginMany } from './login.js'
import { readSigningKey } from './signing-key.js'
import { mintAccessTokens } from './token-minter.js'
import { measureVerifyRate } from './verify-reference.js'
import { measureBackground } from './command-stats.js'

// More would only cost signing time and memory: the server cannot verify faster than raw crypto.verify does.
const MAX_TOKENS = 200_000
const TOKEN_MARGIN = 1.25

/** `needs`: which of the costly fixtures to make (distinct tokens take seconds to sign, seeds are logins). */
/** A personal API key of the signed-in admin, from the fresh token its sign-in gave. */
async function createApiKey (baseUrl, accessToken) {
  const res = await fetch(`${baseUrl}/auth/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) })
  if (res.status !== 201) throw new Error(`API key creation failed: ${res.status} ${await res.text()}`)
  return (await res.json()).api_key
}

export async function prepareFixtures (env, settings, log, needs = { tokens: true, seeds: true }) {
  const baseUrl = env.gatehouse.baseUrl
  log('signing in (token and cookie mode)')
  const session = await loginForTokens(baseUrl, admin)
  const fixtures = { credentials: admin, bearer: session.accessToken, user: session.user, cookie: await loginForCookie(baseUrl, admin), tokens: [], seeds: [] }
  log('creating an API key')
  fixtures.apiKey = await createApiKey(baseUrl, session.accessToken)

  if (needs.tokens) {
    const signingKey = await readSigningKey(env.redis, env.prefix)
    log(`reference: raw crypto.verify for ${settings.verifySeconds} s`)
    fixtures.verify = measureVerifyRate(signingKey, mintAccessTokens(signingKey, session.user, 1)[0], settings.verifySeconds)
    const count = Math.min(MAX_TOKENS, Math.ceil(fixtures.verify.perSecond * (settings.warmup + settings.duration) * TOKEN_MARGIN))
    log(`signing ${count.toLocaleString('en-US')} distinct access tokens, counting Redis's idle background meanwhile`)
    // The servers sit idle while the tokens are signed: the time to learn what Redis runs when no request comes.
    const { result, background } = await measureBackground(env.redis, settings.duration, () => mintAccessTokens(signingKey, session.user, count))
    fixtures.tokens = result
    fixtures.background = background
  }
  if (needs.seeds) {
    // One per connection for the warm-up, one for the measured run, and a few for chains that break.
    const count = 2 * settings.connections + 10
    log(`seeding ${count} refresh chains, each from its own login`)
    fixtures.seeds = await loginMany(baseUrl, admin, count)
  }
  return fixtures
}
