/**
 * kill -9 of the service: what it answered before dying holds after a restart. A logout answered 204 stays a
 * logout, in both modes (SQLite's WAL, Redis with its append-only file), and the signing key is the same.
 */
import { test } from 'tap'
import { runServer } from '../support/process.js'
import { privateLocation } from '../support/private-location.js'
import { MODES } from '../support/stores.js'

const USER = { username: 'root', password: 'correct horse battery' }

async function post (url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

for (const mode of MODES) {
  test(`${mode}: a logout answered before kill -9 still holds after the restart, and an untouched session still works`, async (t) => {
    const location = await privateLocation(t, { persistent: true })
    const env = {
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: location.dataDir,
      REDIS_PREFIX: location.prefix,
      ADMIN_USERNAME: USER.username,
      ADMIN_PASSWORD: USER.password,
      ...(mode === 'redis' ? { REDIS_URL: location.redisUrl } : {})
    }
    const first = runServer(env)
    const url = await first.listening
    const loggedOut = await (await post(url, '/auth/login', { ...USER, mode: 'token' })).json() as { access_token: string, refresh_token: string }
    const kept = await (await post(url, '/auth/login', { ...USER, mode: 'token' })).json() as { access_token: string, refresh_token: string }
    t.equal((await post(url, '/auth/logout', {}, { authorization: `Bearer ${loggedOut.access_token}` })).status, 204)
    first.child.kill('SIGKILL')
    await first.exited

    const second = runServer(env)
    t.teardown(async () => { second.child.kill('SIGKILL'); await second.exited })
    const again = await second.listening
    const me = await fetch(`${again}/auth/me`, { headers: { authorization: `Bearer ${loggedOut.access_token}` } })
    t.equal(me.status, 401, 'the logged-out token is refused after the restart')
    t.equal((await post(again, '/auth/refresh', { refresh_token: loggedOut.refresh_token })).status, 401, 'and its session cannot be refreshed')
    t.equal((await fetch(`${again}/auth/me`, { headers: { authorization: `Bearer ${kept.access_token}` } })).status, 200, 'the other session is untouched: same key, same records')
    t.equal((await post(again, '/auth/refresh', { refresh_token: kept.refresh_token })).status, 200)
  })
}
