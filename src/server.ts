/** The entry point: reads the environment once, builds the app, listens, and shuts down gracefully. */
import closeWithGrace from 'close-with-grace'
import { loadConfig } from './config.js'
import { buildApp } from './app.js'

/** Configuration and start-up failures end the process before it listens, with one line naming the cause. */
function exitWith (err: unknown): never {
  process.stderr.write(`gatehouse: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    exitWith(err)
  }

  const app = await buildApp(config).catch(exitWith)
  try {
    await app.ready()
  } catch (err) {
    await app.close().catch(() => {})
    exitWith(err)
  }

  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the store (onClose), exit 0.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'closing after an uncaught error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })

  try {
    await app.listen({ host: config.HOST, port: config.PORT })
  } catch (err) {
    await app.close().catch(() => {})
    const code = (err as NodeJS.ErrnoException).code
    const variable = code === 'EADDRINUSE' || code === 'EACCES' ? 'PORT' : 'HOST'
    exitWith(new Error(`${variable}: cannot listen on ${config.HOST}:${config.PORT} (${code ?? (err instanceof Error ? err.message : String(err))})`))
  }
}

await main()
