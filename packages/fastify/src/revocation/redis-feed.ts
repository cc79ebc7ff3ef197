/**
 * Revocations from every instance, through Redis pub/sub on a connection of its own. After each (re)connect
 * it subscribes first and reloads second, so nothing published in between is lost. A heartbeat (PING on the
 * subscribed connection) notices a Redis that stopped answering without closing the connection (a network
 * cut, a frozen server): the view is then out of sync, and the connection is dropped and made again.
 */
import type { RevocationFeed } from './view.js'
import { isRevocationKind, type Revocation } from './targets.js'
import type { RevocationRedis } from './redis-client.js'

function parse (message: string): Revocation | undefined {
  try {
    const value: unknown = JSON.parse(message)
    if (typeof value !== 'object' || value === null) return undefined
    const { kind, id, until } = value as Record<string, unknown>
    if (!isRevocationKind(kind) || typeof id !== 'string' || typeof until !== 'number') return undefined
    return { kind, id, until }
  } catch {
    return undefined
  }
}

export function createRedisRevocationFeed (redis: RevocationRedis, channel: string, retryMs = 250, heartbeatMs = 500): RevocationFeed {
  const subscriber = redis.duplicate({ lazyConnect: true, autoResubscribe: false, enableOfflineQueue: true })
  subscriber.on('error', () => {}) // reconnection is ioredis's job; 'close' tells the view
  let heartbeat: NodeJS.Timeout | undefined
  const state = { closed: false } // read by the sync loop, set by close(): an object, so the loop sees the change

  return {
    async start ({ onRevocation, onDown, onUp }) {
      subscriber.on('message', (from: string, message: string) => {
        if (from !== channel) return
        const revocation = parse(message)
        if (revocation !== undefined) onRevocation(revocation)
      })
      subscriber.on('close', onDown)
      const sync = async (): Promise<void> => {
        while (!state.closed && subscriber.status === 'ready') {
          try {
            await subscriber.subscribe(channel)
            await onUp()
            return
          } catch {
            await new Promise((resolve) => setTimeout(resolve, retryMs)) // the store may still be coming back
          }
        }
      }
      subscriber.on('ready', () => { sync().catch(() => {}) })
      await subscriber.connect()
      await sync()
      heartbeat = setInterval(() => {
        if (subscriber.status !== 'ready') return
        const timeout = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('no answer')), heartbeatMs).unref())
        Promise.race([subscriber.ping(), timeout]).catch(() => {
          onDown()
          subscriber.disconnect(true) // reconnect: 'ready' subscribes and reloads again
        })
      }, heartbeatMs)
      heartbeat.unref()
    },
    async close () {
      state.closed = true
      clearInterval(heartbeat)
      subscriber.disconnect()
    }
  }
}
