/** gatehouse's reference browser client: cookie sign-in, /auth/me, refresh and sign-out with plain fetch. */
/* global document */

const $ = (id) => document.getElementById(id)
const form = $('sign-in')
const session = $('session')
const message = $('message')

// The tokens sit in HttpOnly cookies this script never sees; csrf_token is the one cookie it can read.
function csrfToken () {
  const match = /(?:^|;\s*)csrf_token=([^;]*)/.exec(document.cookie)
  return match === null ? '' : decodeURIComponent(match[1])
}

// Same origin: the browser sends the cookies by itself. Unsafe methods echo the CSRF token in a header,
// which another site's page cannot set, so a forged request is refused with 403 AUTH_CSRF.
async function call (method, path, body) {
  const headers = method === 'GET' ? {} : { 'x-csrf-token': csrfToken() }
  if (body !== undefined) headers['content-type'] = 'application/json'
  try {
    const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) })
    const data = res.status === 204 ? null : await res.json().catch(() => null)
    return { ok: res.ok, status: res.status, code: data?.code, data, retryAfter: res.headers.get('retry-after') }
  } catch {
    return { ok: false, status: 0, code: undefined, data: null, retryAfter: null } // offline, or gatehouse is down
  }
}

// Words for people, chosen by the stable `code` and status; the body's `message` is for developers.
function explain (answer) {
  if (answer.status === 0) return 'Cannot reach gatehouse. Check the connection and try again.'
  if (answer.code === 'AUTH_INVALID_CREDENTIALS') return 'Wrong username or password.'
  if (answer.status === 429) return `Too many failed sign-ins. Try again in ${answer.retryAfter ?? 'a few'} seconds.`
  if (answer.code === 'AUTH_CSRF') return 'Refused: the request did not carry this session\'s CSRF token. Sign in again.'
  if (answer.status === 401) return 'Your session has ended, sign in again.'
  if (answer.status === 503) return 'gatehouse cannot serve right now. Try again shortly.'
  return answer.data?.message ?? `Unexpected answer: HTTP ${answer.status}.`
}

function say (text, kind = 'info') {
  message.textContent = text
  message.className = kind
  message.hidden = text === ''
}

function show (user) {
  form.hidden = user !== null
  session.hidden = user === null
  if (user === null) return
  $('who').textContent = user.username
  $('user-id').textContent = user.id
  $('roles').textContent = user.roles.length === 0 ? 'none' : user.roles.join(', ')
  loadSessions().catch(() => {})
}

// A cell of text: user agents come from other devices, so they are text, never HTML.
function cell (...lines) {
  const td = document.createElement('td')
  lines.forEach((line, i) => {
    const part = document.createElement(i === 0 ? 'span' : 'small')
    part.textContent = line
    td.append(part)
  })
  return td
}

// The signed-in user's sessions, newest first: this one marked, every other one with its own sign-out.
async function loadSessions () {
  const answer = await call('GET', '/auth/sessions')
  const rows = $('sessions').tBodies[0]
  rows.replaceChildren()
  if (!answer.ok) return
  for (const item of answer.data.sessions) {
    const row = document.createElement('tr')
    row.dataset.session = item.id
    const lastUsed = new Date(item.last_used_at).toLocaleString()
    row.append(cell(item.user_agent || 'unknown device', item.ip), cell(lastUsed, `signed in ${new Date(item.created_at).toLocaleString()}`))
    const action = document.createElement('td')
    if (item.current) {
      action.className = 'current'
      action.textContent = 'This browser'
    } else {
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'secondary'
      button.textContent = 'Sign out'
      button.addEventListener('click', () => endSession(item.id, button))
      action.append(button)
    }
    row.append(action)
    rows.append(row)
  }
}

async function endSession (id, button) {
  button.disabled = true
  const answer = await call('DELETE', `/auth/sessions/${encodeURIComponent(id)}`)
  if (!answer.ok && answer.status !== 404) {
    button.disabled = false
    return say(explain(answer), 'error')
  }
  await loadSessions()
  say('That session is signed out.') // a 404: it had ended already
}

// One refresh at a time: a refresh token presented twice (two tabs, a double click) ends the whole session.
let refreshing = null
function refresh () {
  refreshing ??= call('POST', '/auth/refresh').finally(() => { refreshing = null })
  return refreshing
}

// Who the access cookie says we are. It lives minutes and the refresh cookie days, so a 401 while a session
// cookie is still around gets one refresh before the person is asked to sign in again.
async function loadUser () {
  let answer = await call('GET', '/auth/me')
  if (answer.status === 401 && csrfToken() !== '') {
    const refreshed = await refresh()
    answer = refreshed.ok ? await call('GET', '/auth/me') : refreshed
  }
  show(answer.ok ? answer.data : null)
  // No session cookie at all is a first visit, not an ended session: just the form.
  if (!answer.ok && !(answer.code === 'AUTH_MISSING_TOKEN' && csrfToken() === '')) say(explain(answer), 'error')
}

form.addEventListener('submit', async (event) => {
  event.preventDefault() // fetch signs in; the form itself never submits
  const fields = new FormData(form)
  const button = form.querySelector('button')
  button.disabled = true
  const answer = await call('POST', '/auth/login', { username: fields.get('username'), password: fields.get('password'), mode: 'cookie' })
  button.disabled = false
  if (!answer.ok) return say(explain(answer), 'error')
  form.reset()
  say('')
  await loadUser()
})

$('refresh').addEventListener('click', async () => {
  const answer = await refresh()
  if (!answer.ok) {
    if (answer.status === 401) show(null)
    return say(explain(answer), 'error')
  }
  show(answer.data.user)
  say('Session refreshed: new access and refresh cookies.')
})

$('sign-out').addEventListener('click', async () => {
  let answer = await call('POST', '/auth/logout')
  // The access cookie may have expired while the session lives on: refresh once, so the logout can end it.
  if (answer.status === 401 && csrfToken() !== '' && (await refresh()).ok) answer = await call('POST', '/auth/logout')
  if (!answer.ok && answer.status !== 401) return say(explain(answer), 'error')
  show(null) // a 401 means the session had already ended: signed out all the same
  say(answer.ok ? 'Signed out.' : explain(answer), answer.ok ? 'info' : 'error')
})

await loadUser()
