/**
 * Revocations from every instance, through Redis pub/sub on a connection of its own. Each time that connection
 * is made it subscribes first and reloads second, so nothing published in between is lost. A heartbeat (PING on
 * the subscribed connection) notices a Redis that stopped answering without closing the connection (a network
 * cut, a frozen server). Whenever the connection is lost the view is out of sync: the connection is dropped and
 * a new one made, which through Sentinel finds the current primary and on a Cluster picks the next node.
 *
 * Plain pub/sub, not sharded: one low-volume channel that a Cluster forwards to every node, so a subscriber on
 * any node, primary or replica, hears every instance; a sharded channel would tie it to one shard's primary and
 * make it follow that shard through every failover.
 */
import type { RevocationFeed } from './view.js'
import { isRevocationKind, type Revocation } from './targets.js'
import { isCluster, type RevocationRedis, type RevocationRedisOptions, type RevocationServer } from './redis-client.js'

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

// Reconnection is this feed's job, not ioredis's: each connection lives until it is lost, then is replaced. No
// failover detector of its own (ioredis can leak its sentinel connections when a connection closes while
// connecting): the client's connection has one, and when it closes (a failover among other reasons) the
// subscriber is replaced too, so it never stays on a demoted primary that the new one does not replicate to yet.
const SUBSCRIBER_OPTIONS: RevocationRedisOptions = { lazyConnect: true, autoResubscribe: false, enableOfflineQueue: true, retryStrategy: () => null, failoverDetector: false }

/** Makes each new subscriber connection: a copy of the client, or on a Cluster a copy of its nodes in turn. */
function subscriberSource (redis: RevocationRedis): () => RevocationServer {
  if (!isCluster(redis)) return () => redis.duplicate(SUBSCRIBER_OPTIONS)
  let turn = 0
  return () => {
    const nodes = redis.nodes('all')
    const node = nodes[turn++ % Math.max(nodes.length, 1)]
    if (node === undefined) throw new Error('the cluster knows no node yet')
    return node.duplicate(SUBSCRIBER_OPTIONS)
  }
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms).unref())

export function createRedisRevocationFeed (redis: RevocationRedis, channel: string, retryMs = 250, heartbeatMs = 500): RevocationFeed {
  const nextSubscriber = subscriberSource(redis)
  let current: RevocationServer | undefined
  let loseCurrent = (): void => {}
  let running: Promise<void> | undefined
  const state = { closed: false } // read by the loop, set by close(): an object, so the loop sees the change

  /** One connection's life: connect, subscribe, reload, then wait until it is lost. Throws if a step fails. */
  async function serve (subscriber: RevocationServer, onRevocation: (revocation: Revocation) => void, onUp: () => Promise<void>): Promise<void> {
    let markLost = (): void => {}
    const lost = new Promise<void>((resolve) => { markLost = resolve })
    const lose = (): void => { markLost(); subscriber.disconnect() }
    loseCurrent = lose
    subscriber.on('close', markLost)
    subscriber.on('end', markLost)
    subscriber.on('error', () => {}) // 'close' says it all
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return
      const revocation = parse(message)
      if (revocation !== undefined) onRevocation(revocation)
    })
    await subscriber.connect()
    await subscriber.subscribe(channel)
    await onUp()
    const heartbeat = setInterval(() => {
      const timeout = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('no answer')), heartbeatMs).unref())
      // Lost now, not when the socket closes: closing waits for the silent server's side, which may take as long.
      Promise.race([subscriber.ping(), timeout]).catch(lose)
    }, heartbeatMs)
    heartbeat.unref()
    try { await lost } finally { clearInterval(heartbeat) }
  }

  /** After the first connection: each time one is lost, the view is told and a new one made, until closed. */
  async function keepSubscribed (firstLife: Promise<void>, handlers: Parameters<RevocationFeed['start']>[0]): Promise<void> {
    await firstLife.catch(() => {})
    while (!state.closed) {
      handlers.onDown()
      current?.disconnect()
      await sleep(retryMs)
      if (state.closed) return
      try {
        current = nextSubscriber()
        await serve(current, handlers.onRevocation, handlers.onUp)
      } catch {
        // not reachable yet, or lost while loading: the next turn tries again
      }
    }
  }

  return {
    async start (handlers) {
      redis.on('close', () => { loseCurrent() })
      // The first connection must succeed: a service that cannot load revocations at start does not start.
      const first = nextSubscriber()
      current = first
      let loaded = (): void => {}
      const firstLoad = new Promise<void>((resolve) => { loaded = resolve })
      const firstLife = serve(first, handlers.onRevocation, async () => { await handlers.onUp(); loaded() })
      const closedEarly = firstLife.then(() => { throw new Error('the connection closed while loading revocations') })
      try {
        await Promise.race([firstLoad, closedEarly])
      } catch (err) {
        first.disconnect()
        throw err
      }
      closedEarly.catch(() => {})
      running = keepSubscribed(firstLife, handlers)
    },
    async close () {
      state.closed = true
      current?.disconnect()
      await running
    }
  }
}
