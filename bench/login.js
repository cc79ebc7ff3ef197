/** Signs in to gatehouse over HTTP, as a client would: token mode for bearer tokens, cookie mode for the cookie. */

async function postLogin (baseUrl, credentials, mode) {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...credentials, mode })
  })
  if (response.status !== 200) throw new Error(`login (${mode} mode) answered ${response.status}: ${await response.text()}`)
  return response
}

/** `{ accessToken, refreshToken, user }` from a token-mode login. */
export async function loginForTokens (baseUrl, credentials) {
  const body = await (await postLogin(baseUrl, credentials, 'token')).json()
  return { accessToken: body.access_token, refreshToken: body.refresh_token, user: body.user }
}

/** The access_token cookie of a cookie-mode login, as `name=value` for a Cookie header. */
export async function loginForCookie (baseUrl, credentials) {
  const response = await postLogin(baseUrl, credentials, 'cookie')
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('access_token='))
  if (cookie === undefined) throw new Error('cookie-mode login set no access_token cookie')
  return cookie.split(';')[0]
}

/** `count` refresh tokens, each from a login of its own, a few logins at a time (each one is an argon2 check). */
export async function loginMany (baseUrl, credentials, count, concurrency = 8) {
  const tokens = []
  while (tokens.length < count) {
    const batch = Math.min(concurrency, count - tokens.length)
    const sessions = await Promise.all(Array.from({ length: batch }, () => loginForTokens(baseUrl, credentials)))
    tokens.push(...sessions.map((session) => session.refreshToken))
  }
  return tokens
}
