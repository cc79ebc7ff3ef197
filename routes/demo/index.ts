/** GET /demo: a sign-in page, its script and its stylesheet, read once and served from memory under a strict CSP. */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

// Nothing inline and nothing from elsewhere: the page's own script and stylesheet, fetches to gatehouse only.
const HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache' // revalidate: a new gatehouse version serves its own script at once
}

const ASSETS = [
  { url: '/', file: 'index.html', type: 'text/html', summary: 'The sign-in page: the browser-app flow with cookies, runnable with nothing but gatehouse' },
  { url: '/app.js', file: 'app.js', type: 'text/javascript', summary: 'The page\'s script: the reference client for browser apps' },
  { url: '/app.css', file: 'app.css', type: 'text/css', summary: 'The page\'s stylesheet' }
] as const

/** Next to this module: the sources' own folder, or the copy the build makes (tsc emits no assets: postbuild copies them). */
function assetsDir (): string {
  const dir = join(import.meta.dirname, '_assets')
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`GET /demo: no assets in ${dir}; the build must copy routes/demo/_assets there`)
  return dir
}

const demo: FastifyPluginAsyncTypebox = async (fastify) => {
  const dir = assetsDir()
  for (const asset of ASSETS) {
    const body = await readFile(join(dir, asset.file), 'utf8')
    const headers = { ...HEADERS, 'content-type': `${asset.type}; charset=utf-8` }
    fastify.get(asset.url, {
      config: { auth: 'public' },
      schema: { tags: ['demo'], summary: asset.summary, produces: [asset.type], response: { 200: Type.String() } }
    }, async (_request, reply) => reply.headers(headers).send(body))
  }
}

export default demo
