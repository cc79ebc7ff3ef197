/** The /demo page and CORS in a real Chromium, against gatehouse running as `npm start` runs it. */
import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import type { Teardown } from '../support/stores.js'
import { launchChromium, startGatehouse, startPageServer } from './support.js'

const ADMIN = { username: 'admin', password: 'admin-password-1' }
// Every run takes the screenshot (under .tap/, ignored); UPDATE_SCREENSHOTS=1 also refreshes the README's copy in docs/.
const SCREENSHOT = fileURLToPath(new URL(process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs/demo-signed-in.png' : '../../.tap/demo-signed-in.png', import.meta.url))
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Two browser apps on other ports of 127.0.0.1: the same site as gatehouse, so only CORS tells them apart.
const listedApp = await startPageServer('listed app')
const unlistedApp = await startPageServer('unlisted app')
const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'))
const gatehouse = await startGatehouse({
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  COOKIE_SECURE: 'false', // plain http: a browser drops Secure cookies set over it
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
  LOG_LEVEL: 'info', // runServer learns the URL from the 'Server listening at' line; the log stays in memory
  LOGIN_MAX_FAILURES_PER_USERNAME: '3',
  CORS_ORIGINS: listedApp.origin
})
const base = gatehouse.url
const browser = await launchChromium()

t.teardown(async () => {
  await browser.close()
  await gatehouse.stop()
  await Promise.all([listedApp.close(), unlistedApp.close()])
  rmSync(dataDir, { recursive: true, force: true })
})

/** A fresh cookie jar for one test, failing fast: every wait below has a 5 s deadline. */
async function newContext (t: Teardown): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 720, height: 620 } })
  context.setDefaultTimeout(5000)
  t.teardown(async () => await context.close())
  return context
}

async function openDemo (t: Teardown): Promise<Page> {
  const page = await (await newContext(t)).newPage()
  await page.goto(`${base}/demo`)
  await page.locator('#sign-in').waitFor()
  return page
}

async function signIn (page: Page, username: string, password: string): Promise<void> {
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('#sign-in button[type=submit]')
}

async function signedIn (t: Teardown, user = ADMIN): Promise<Page> {
  const page = await openDemo(t)
  await signIn(page, user.username, user.password)
  await page.locator('#session').waitFor()
  return page
}

/** The cookies a request to /auth/refresh would carry: all three (refresh_token has Path=/auth). */
async function cookieValues (context: BrowserContext): Promise<Record<string, string>> {
  return Object.fromEntries((await context.cookies(`${base}/auth/refresh`)).map((cookie) => [cookie.name, cookie.value]))
}

interface Answer { status: number, body: unknown }
/** What the tests pass to the page's fetch: plain data, as page.evaluate serializes its argument. */
interface FetchInit { method?: string, credentials?: 'include' | 'same-origin' | 'omit', headers?: Record<string, string>, body?: string }

/** A fetch run by the page's own script, as a browser app would make it. */
async function fetchFromPage (page: Page, url: string, init: FetchInit): Promise<Answer> {
  return await page.evaluate(async ({ url, init }) => {
    const res = await fetch(url, init)
    return { status: res.status, body: res.status === 204 ? null : await res.json() }
  }, { url, init })
}

/** The error's name when the page's fetch rejects, or 'resolved' when its script could read the answer. */
async function fetchFailure (page: Page, url: string, init: FetchInit): Promise<string> {
  return await page.evaluate(async ({ url, init }) => {
    try {
      await fetch(url, init)
      return 'resolved'
    } catch (err) {
      return err instanceof Error ? err.name : String(err)
    }
  }, { url, init })
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) satisfies FetchInit

t.test('the page, its script and its stylesheet come with a strict CSP, nosniff, no-referrer and no-cache', async (t) => {
  const context = await newContext(t)
  const assets = [{ path: '/demo', type: 'text/html' }, { path: '/demo/app.js', type: 'text/javascript' }, { path: '/demo/app.css', type: 'text/css' }]
  for (const { path, type } of assets) {
    const res = await context.request.get(`${base}${path}`)
    t.equal(res.status(), 200, path)
    t.match(res.headers(), {
      'content-type': `${type}; charset=utf-8`,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache'
    }, path)
  }
})

t.test('signing in through the /demo form shows the user; scripts read csrf_token but never the token cookies', async (t) => {
  const context = await newContext(t)
  const page = await context.newPage()
  const violations: string[] = []
  page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()) })
  await page.goto(`${base}/demo`)
  await page.locator('#sign-in').waitFor()
  await signIn(page, ADMIN.username, ADMIN.password)
  await page.locator('#session').waitFor()
  t.equal(await page.textContent('#who'), 'admin')
  t.equal(await page.textContent('#roles'), 'admin')
  t.match(await page.textContent('#user-id'), /\S/)
  t.same(violations, [], 'nothing on the page breaks its CSP')

  // The README's picture of the signed-in page.
  mkdirSync(dirname(SCREENSHOT), { recursive: true })
  await page.screenshot({ path: SCREENSHOT, fullPage: true })
  t.ok(statSync(SCREENSHOT).size > 1000, 'screenshot written')

  for (const path of ['/demo', '/auth/me']) {
    if (path !== '/demo') await page.goto(`${base}${path}`)
    const cookie = await page.evaluate<string>('document.cookie')
    t.match(cookie, /(^|; )csrf_token=[^;]+/, `${path}: csrf_token is readable`)
    t.notMatch(cookie, /access_token|refresh_token/, `${path}: the tokens are not`)
  }
})

t.test('the session cookies carry the contract\'s attributes', async (t) => {
  const page = await signedIn(t)
  const cookies = new Map((await page.context().cookies(`${base}/auth/refresh`)).map((cookie) => [cookie.name, cookie]))
  t.match(cookies.get('access_token'), { httpOnly: true, sameSite: 'Lax', path: '/', secure: false })
  t.match(cookies.get('refresh_token'), { httpOnly: true, sameSite: 'Strict', path: '/auth', secure: false })
  t.match(cookies.get('csrf_token'), { httpOnly: false, sameSite: 'Strict', path: '/', secure: false })
})

t.test('refresh rotates both token cookies; sign-out needs X-CSRF-Token, and then the session is gone', async (t) => {
  const page = await signedIn(t)
  const context = page.context()
  const before = await cookieValues(context)
  t.ok(before.access_token !== undefined && before.refresh_token !== undefined, 'signed in with both token cookies')
  await page.click('#refresh')
  await page.locator('#message', { hasText: 'Session refreshed' }).waitFor()
  const after = await cookieValues(context)
  t.not(after.access_token, before.access_token, 'a new access token')
  t.not(after.refresh_token, before.refresh_token, 'a new refresh token')

  const forged = await fetchFromPage(page, `${base}/auth/logout`, { method: 'POST', credentials: 'same-origin' })
  t.match(forged, { status: 403, body: { code: 'AUTH_CSRF' } }, 'without the header: refused')

  const logout = page.waitForResponse(`${base}/auth/logout`)
  await page.click('#sign-out')
  t.equal((await logout).status(), 204, 'with the header: signed out')
  await page.locator('#message', { hasText: 'Signed out.' }).waitFor()
  t.ok(await page.locator('#sign-in').isVisible(), 'the form is back')

  t.match(await fetchFromPage(page, `${base}/auth/me`, { credentials: 'same-origin' }), { status: 401 })
  const left = Object.keys(await cookieValues(context))
  t.notOk(left.includes('access_token') || left.includes('refresh_token'), `no token cookie left (${left.join(', ')})`)
})

t.test('a page on a listed origin signs in with credentials: include, reads the answers, and runs the cookie flow', async (t) => {
  const page = await (await newContext(t)).newPage()
  await page.goto(listedApp.origin)
  const login = await fetchFromPage(page, `${base}/auth/login`, { ...json({ ...ADMIN, mode: 'cookie' }), credentials: 'include' })
  t.match(login, { status: 200, body: { user: { username: 'admin' }, csrf_token: String } })
  const { csrf_token: csrf } = login.body as { csrf_token: string } // matched just above

  // Another port of the same host is the same site: the SameSite cookies go along.
  t.match(await fetchFromPage(page, `${base}/auth/me`, { credentials: 'include' }), { status: 200, body: { username: 'admin' } })
  const logout = await fetchFromPage(page, `${base}/auth/logout`, { method: 'POST', credentials: 'include', headers: { 'x-csrf-token': csrf } })
  t.equal(logout.status, 204, 'a preflighted POST with X-CSRF-Token')
})

t.test('a page on an unlisted origin cannot read any answer: its fetches reject with a TypeError', async (t) => {
  const page = await (await newContext(t)).newPage()
  await page.goto(unlistedApp.origin)
  t.equal(await fetchFailure(page, `${base}/auth/login`, { ...json({ ...ADMIN, mode: 'cookie' }), credentials: 'include' }), 'TypeError', 'preflighted sign-in')
  t.equal(await fetchFailure(page, `${base}/health/live`, { credentials: 'include' }), 'TypeError', 'simple GET')
  t.equal(await fetchFailure(page, `${base}/health/live`, {}), 'TypeError', 'simple GET without credentials')
})

t.test('a wrong password shows its message on the page', async (t) => {
  const page = await openDemo(t)
  await signIn(page, ADMIN.username, 'not-the-password')
  await page.locator('#message.error', { hasText: 'Wrong username or password.' }).waitFor()
  t.ok(await page.locator('#sign-in').isVisible(), 'the form stays')
})

t.test('a rate-limited sign-in shows its message with the Retry-After seconds', async (t) => {
  const page = await openDemo(t)
  // A username of its own: the limit (3 failures) must not lock the admin out of the other tests.
  let retryAfter: string | undefined
  for (let attempt = 1; attempt <= 5 && retryAfter === undefined; attempt++) {
    const answer = page.waitForResponse(`${base}/auth/login`)
    await signIn(page, 'locked-out', 'wrong-password')
    const res = await answer
    if (res.status() === 429) retryAfter = res.headers()['retry-after']
    else t.equal(res.status(), 401, `attempt ${attempt}`)
  }
  t.match(retryAfter, /^\d+$/, 'answered 429 with Retry-After')
  await page.locator('#message.error', { hasText: `Too many failed sign-ins. Try again in ${retryAfter} seconds.` }).waitFor()
  t.pass('the page says when to try again')
})

t.test('a forged csrf_token cookie gets the page\'s refresh refused with the CSRF message', async (t) => {
  const page = await signedIn(t)
  await page.evaluate('document.cookie = "csrf_token=forged; path=/"')
  const answer = page.waitForResponse(`${base}/auth/refresh`)
  await page.click('#refresh')
  t.equal((await answer).status(), 403)
  await page.locator('#message.error', { hasText: 'CSRF token' }).waitFor()
  t.pass('the page explains the refusal')
})

t.test('a session revoked elsewhere: on reload the page says it has ended', async (t) => {
  const reader = { username: 'reader', password: 'reader-password-1' }
  const adminLogin = await fetch(`${base}/auth/login`, json({ ...ADMIN, mode: 'token' }))
  const { access_token: adminToken } = await adminLogin.json() as { access_token: string }
  const auth = { authorization: `Bearer ${adminToken}` }
  const created = await fetch(`${base}/admin/users`, { ...json({ ...reader, roles: [] }), headers: { ...auth, 'content-type': 'application/json' } })
  t.equal(created.status, 201)
  const { id } = await created.json() as { id: string }

  const page = await signedIn(t, reader)
  const revoked = await fetch(`${base}/admin/users/${id}/sessions`, { method: 'DELETE', headers: auth })
  t.equal(revoked.status, 200)
  await page.reload()
  await page.locator('#message.error', { hasText: 'Your session has ended, sign in again.' }).waitFor()
  t.ok(await page.locator('#sign-in').isVisible(), 'the form is back')
})

t.test('the sessions table lists this browser and another device, as text, and signs the other one out', async (t) => {
  const laptop = await signedIn(t)
  // Another device: a context of its own, whose user agent carries markup that must show as text.
  const phoneUserAgent = 'PhoneBrowser/1.0 <b id="injected">not markup</b>'
  const phoneContext = await browser.newContext({ viewport: { width: 720, height: 620 }, userAgent: phoneUserAgent })
  phoneContext.setDefaultTimeout(5000)
  t.teardown(async () => await phoneContext.close())
  const phone = await phoneContext.newPage()
  await phone.goto(`${base}/demo`)
  await signIn(phone, ADMIN.username, ADMIN.password)
  await phone.locator('#session').waitFor()

  await laptop.reload()
  const rows = laptop.locator('#sessions tbody tr')
  await rows.nth(1).waitFor()
  t.ok(await rows.count() >= 2, 'this browser and the phone')
  const phoneRow = rows.filter({ hasText: 'PhoneBrowser/1.0' })
  t.equal(await phoneRow.count(), 1)
  t.match(await phoneRow.locator('td').first().textContent(), /<b id="injected">not markup<\/b>/, 'the user agent shows as text')
  t.equal(await laptop.locator('#injected').count(), 0, 'and never as markup')
  t.equal(await rows.filter({ hasText: 'This browser' }).count(), 1, 'the current session is marked, with no sign-out button')

  await phoneRow.getByRole('button', { name: 'Sign out' }).click()
  await laptop.locator('#message', { hasText: 'That session is signed out.' }).waitFor()
  t.equal(await rows.filter({ hasText: 'PhoneBrowser/1.0' }).count(), 0, 'the row is gone')
  t.equal(await laptop.locator('#session').isVisible(), true, 'this browser stays signed in')

  await phone.reload()
  await phone.locator('#message', { hasText: 'Your session has ended' }).waitFor()
  t.equal(await phone.locator('#sign-in').isVisible(), true, 'the phone is signed out')
})
