/**
 * Real Redis high-availability topologies for a test, from Debian's redis-server and redis-sentinel, on free
 * ports in a temp dir, owned by this test process and killed when it exits:
 * - Sentinel: one primary, one replica and three sentinels (quorum 2), failing over after 1 s of silence;
 * - Cluster: three primaries with one replica each, made by `redis-cli --cluster create`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { freePort, waitForPong } from './redis-server.js'
import { within } from './poll.js'

const run = promisify(execFile)

/** One redis-server (or sentinel) process on its own port. */
export interface RedisNode {
  readonly port: number
  readonly address: string
  /** kill -9: no shutdown, no last words. */
  kill (): Promise<void>
  /** Starts it again on the same port, with extra arguments (a killed primary comes back as a replica). */
  start (extra?: string[]): Promise<void>
}

async function startNode (dir: string, args: (port: number) => string[], { command = 'redis-server', port: given }: { command?: string, port?: number } = {}): Promise<RedisNode> {
  const port = given ?? await freePort()
  mkdirSync(dir, { recursive: true })
  let child: ChildProcess | undefined
  const node: RedisNode = {
    port,
    address: `127.0.0.1:${port}`,
    async start (extra = []) {
      const argv = args(port)
      child = spawn(command, [...argv, ...extra], { stdio: 'ignore', cwd: dir })
      child.unref()
      await waitForPong(`redis://127.0.0.1:${port}`)
    },
    async kill () {
      const running = child
      child = undefined
      if (running === undefined || running.exitCode !== null) return
      running.ref()
      await new Promise((resolve) => { running.once('exit', resolve); running.kill('SIGKILL') })
    }
  }
  process.once('exit', () => child?.kill('SIGKILL'))
  await node.start()
  return node
}

/** A short-lived connection for the test's own checks; never an offline queue, never a retry. */
async function withRedis<T> (port: number, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false })
  redis.on('error', () => {})
  try {
    await redis.connect()
    return await fn(redis)
  } finally {
    redis.disconnect()
  }
}

async function until (what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const took = await within(ms, async () => await check().catch(() => false))
  if (took < 0) throw new Error(`${what} did not happen within ${ms} ms`)
}

// No files, and a replica's first sync at once (Redis otherwise waits 5 s for more replicas to share it).
const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0']

export interface SentinelTopology {
  readonly master: string
  readonly sentinels: RedisNode[]
  /** The data nodes, primary first at start. */
  readonly servers: RedisNode[]
  /** REDIS_SENTINELS for gatehouse. */
  readonly sentinelList: string
  /** The node Sentinel names as primary now. */
  primary (): Promise<RedisNode>
  /** SENTINEL FAILOVER, then waits until every sentinel names the other node and it takes writes. */
  failover (): Promise<{ from: RedisNode, to: RedisNode }>
  /** Waits until a failover (by Sentinel, after a kill) has promoted another node than `from`. */
  promotedOtherThan (from: RedisNode, ms: number): Promise<RedisNode>
  /**
   * Waits until the primary has `count` replicas online. After SENTINEL FAILOVER the old primary is told to
   * replicate only once Sentinel's next INFO finds it still claiming the role, some 8 to 20 s later.
   */
  replicasOnline (count: number): Promise<void>
  stop (): Promise<void>
}

export async function startSentinelTopology (): Promise<SentinelTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sentinel-'))
  const master = 'mymaster'
  const server = (name: string) => (port: number) => ['--port', String(port), '--bind', '127.0.0.1', ...NO_PERSISTENCE, '--dir', join(dir, name)]
  for (const name of ['a', 'b']) mkdirSync(join(dir, name))
  const primary = await startNode(join(dir, 'a'), server('a'))
  const replica = await startNode(join(dir, 'b'), (port) => [...server('b')(port), '--replicaof', '127.0.0.1', String(primary.port)])
  const servers = [primary, replica]
  const sentinels: RedisNode[] = []
  for (const name of ['s1', 's2', 's3']) {
    const home = join(dir, name)
    mkdirSync(home)
    const port = await freePort()
    // Sentinel rewrites its configuration file as it learns the topology, so each one has its own.
    writeFileSync(join(home, 'sentinel.conf'), [
      `port ${port}`, 'bind 127.0.0.1', `dir ${home}`,
      `sentinel monitor ${master} 127.0.0.1 ${primary.port} 2`,
      `sentinel down-after-milliseconds ${master} 1000`,
      `sentinel failover-timeout ${master} 10000`,
      `sentinel parallel-syncs ${master} 1`
    ].join('\n') + '\n')
    sentinels.push(await startNode(home, () => [join(home, 'sentinel.conf')], { command: 'redis-sentinel', port }))
  }
  const byPort = (port: number) => servers.find((node) => node.port === port)
  const namedPrimary = async (sentinel: RedisNode) => await withRedis(sentinel.port, async (redis) => {
    const [, port] = (await redis.call('SENTINEL', 'get-master-addr-by-name', master)) as [string, string]
    return Number(port)
  })
  const topology: SentinelTopology = {
    master,
    sentinels,
    servers,
    sentinelList: sentinels.map((node) => node.address).join(','),
    async primary () {
      const node = byPort(await namedPrimary(sentinels[0] as RedisNode))
      if (node === undefined) throw new Error('Sentinel names a primary that is not ours')
      return node
    },
    async replicasOnline (count) {
      // In sync means what gatehouse relies on: a write WAIT sees acknowledged by that many replicas, twice half a
      // second apart (a demoted primary may resync once more just after it first catches up).
      const acknowledged = async () => {
        const current = await topology.primary()
        return await withRedis(current.port, async (redis) => {
          await redis.set('replication-probe', String(Date.now()))
          return Number(await redis.wait(count, 500)) >= count
        })
      }
      await until(`${count} replica(s) acknowledging writes`, 30_000, async () => {
        if (!await acknowledged()) return false
        await new Promise((resolve) => setTimeout(resolve, 500))
        return await acknowledged()
      })
    },
    async failover () {
      const from = await topology.primary()
      // Sentinel refuses to fail over until it knows a replica in sync and its peers: ask until it agrees.
      await until('SENTINEL FAILOVER accepted', 15_000, async () => await withRedis(sentinels[0]?.port ?? 0, async (redis) =>
        (await redis.call('SENTINEL', 'FAILOVER', master)) === 'OK'))
      const to = await topology.promotedOtherThan(from, 15_000)
      return { from, to }
    },
    async promotedOtherThan (from, ms) {
      await until('a new primary named by every sentinel', ms, async () => {
        for (const sentinel of sentinels) if (await namedPrimary(sentinel) === from.port) return false
        const port = await namedPrimary(sentinels[0] as RedisNode)
        return await withRedis(port, async (redis) => /role:master/.test(await redis.info('replication')))
      })
      return await topology.primary()
    },
    async stop () {
      for (const node of [...sentinels, ...servers]) await node.kill()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  // Before the first test: the replica in sync, and every sentinel aware of it and of the two other sentinels.
  await topology.replicasOnline(1)
  await until('the sentinels to find each other and the replica', 15_000, async () => {
    for (const sentinel of sentinels) {
      const known = await withRedis(sentinel.port, async (redis) => ({
        replicas: ((await redis.call('SENTINEL', 'REPLICAS', master)) as unknown[]).length,
        peers: ((await redis.call('SENTINEL', 'SENTINELS', master)) as unknown[]).length
      }))
      if (known.replicas < 1 || known.peers < 2) return false
    }
    return true
  })
  return topology
}

export interface ClusterTopology {
  readonly nodes: RedisNode[]
  /** REDIS_CLUSTER_NODES for gatehouse: two seeds are enough to find the rest. */
  readonly seedList: string
  /** The primary that serves this key now, and its replica. */
  shardOf (key: string): Promise<{ primary: RedisNode, replica: RedisNode }>
  /** CLUSTER FAILOVER on that key's replica; waits until it serves the key's slot as primary. */
  failoverShardOf (key: string): Promise<{ from: RedisNode, to: RedisNode }>
  stop (): Promise<void>
}

export async function startRedisCluster (): Promise<ClusterTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'))
  const nodes: RedisNode[] = []
  for (let i = 0; i < 6; i++) {
    const home = join(dir, `n${i}`)
    nodes.push(await startNode(home, (port) => [
      '--port', String(port), '--bind', '127.0.0.1', ...NO_PERSISTENCE, '--dir', home,
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000'
    ]))
  }
  await run('redis-cli', ['--cluster', 'create', ...nodes.map((node) => node.address), '--cluster-replicas', '1', '--cluster-yes'])
  const byPort = (port: number) => {
    const node = nodes.find((candidate) => candidate.port === port)
    if (node === undefined) throw new Error(`port ${port} is not one of this cluster's nodes`)
    return node
  }
  const clusterOk = async () => {
    for (const node of nodes) {
      if (!await withRedis(node.port, async (redis) => /cluster_state:ok/.test(String(await redis.call('CLUSTER', 'INFO'))))) return false
    }
    return true
  }
  await until('cluster_state:ok on every node', 20_000, clusterOk)
  await until('every primary\'s replica in sync', 20_000, async () => {
    for (const node of nodes) {
      const replication = await withRedis(node.port, async (redis) => await redis.info('replication'))
      if (/role:master/.test(replication) && !/state=online/.test(replication)) return false
    }
    return true
  })
  const topology: ClusterTopology = {
    nodes,
    seedList: nodes.slice(0, 2).map((node) => node.address).join(','),
    async shardOf (key) {
      return await withRedis(nodes[0]?.port ?? 0, async (redis) => {
        const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key))
        const ranges = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number, ...Array<[string, number, string]>]>
        const range = ranges.find(([first, last]) => slot >= first && slot <= last)
        const [primary, replica] = (range?.slice(2) ?? []) as Array<[string, number, string]>
        if (primary === undefined || replica === undefined) throw new Error(`slot ${slot} has no primary with a replica`)
        return { primary: byPort(primary[1]), replica: byPort(replica[1]) }
      })
    },
    async failoverShardOf (key) {
      const { primary: from, replica: to } = await topology.shardOf(key)
      await withRedis(to.port, async (redis) => await redis.call('CLUSTER', 'FAILOVER'))
      await until(`${to.address} to serve as primary`, 15_000, async () => (await topology.shardOf(key)).primary.port === to.port)
      await until('cluster_state:ok after the failover', 15_000, clusterOk)
      return { from, to }
    },
    async stop () {
      for (const node of nodes) await node.kill()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return topology
}
