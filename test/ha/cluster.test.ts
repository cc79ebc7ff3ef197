/**
 * gatehouse on a real Redis Cluster (three primaries, each with a replica): every feature across two instances,
 * so every store script runs on the cluster and none is refused as CROSSSLOT; revocations reach every instance
 * through the cluster's pub/sub whichever node each subscribed to; listings work across shards; and a CLUSTER
 * FAILOVER of the shard holding the revocations keeps a revocation made just before it.
 */
import t, { test } from 'tap'
import { Cluster } from 'ioredis'
import { startRedisCluster, type ClusterTopology } from '../support/redis-topologies.js'
import { createUser, loginWithTokens } from '../support/auth.js'
import { within } from '../support/poll.js'
import { revocationKeyNames } from '@gatehouse-auth/fastify'
import { redisKeyNames } from '../../src/stores/redis/key-names.js'
import { everyFeatureAcrossInstances, logout, me, pluginSeesRevocations, twoInstances } from './instances.js'
import { failoverUnderLoad } from './failover-load.js'

let topology: ClusterTopology
const env = () => ({ REDIS_CLUSTER_NODES: topology.seedList })

t.before(async () => { topology = await startRedisCluster() })
t.teardown(async () => await topology.stop())

test('every feature works on a Redis Cluster, across instances: no script is CROSSSLOT', async (t) => {
  await everyFeatureAcrossInstances(t, env())
})

test('the exported plugin connects to the cluster ({ clusterNodes }) and sees revocations', async (t) => {
  const clusterNodes = topology.nodes.slice(0, 2).map((node) => ({ host: '127.0.0.1', port: node.port }))
  await pluginSeesRevocations(t, env(), { clusterNodes })
})

test('the exported plugin takes an ioredis Cluster of the service\'s own', async (t) => {
  const cluster = new Cluster(topology.nodes.slice(0, 1).map((node) => ({ host: '127.0.0.1', port: node.port })), { lazyConnect: true })
  t.teardown(() => cluster.disconnect())
  await pluginSeesRevocations(t, env(), cluster)
})

test('sessions spread over shards and a user\'s sessions are listed from all of them', async (t) => {
  const { a, b, prefix } = await twoInstances(t, env())
  await createUser(a, 'kim')
  const sessions = await Promise.all(Array.from({ length: 12 }, async (_, i) => await loginWithTokens(i % 2 === 0 ? a : b, 'kim')))
  const keys = redisKeyNames(prefix)
  const ids = (await a.store.sessions.listByUser(sessions[0]?.userId ?? '')).map((session) => session.id)
  t.equal(ids.length, 12, 'every session is listed')
  const shards = new Set(await Promise.all(ids.map(async (id) => (await topology.shardOf(keys.session(id))).primary.port)))
  t.ok(shards.size > 1, `the sessions live on ${shards.size} shards`)
  t.equal((await b.inject({ method: 'POST', url: '/auth/logout-all', headers: { authorization: `Bearer ${sessions[0]?.accessToken ?? ''}` } })).statusCode, 204)
  for (const session of sessions) t.ok(await within(100, async () => (await me(a, session.accessToken)).statusCode === 401) >= 0, 'logout-all ended it')
})

test('CLUSTER FAILOVER of the revocations\' shard: a revocation made just before is refused after it, serving again within 5 s', async (t) => {
  const { a, b, prefix } = await twoInstances(t, env())
  await createUser(a, 'lou')
  const live = await loginWithTokens(a, 'lou')
  const revoked = await loginWithTokens(b, 'lou')
  t.equal((await logout(b, revoked.accessToken)).statusCode, 204)
  const { from, to } = await topology.failoverShardOf(revocationKeyNames(prefix).revocationIndex)
  const promotedAt = Date.now()
  t.not(to.port, from.port, `the shard's primary moved from ${from.address} to ${to.address}`)
  for (const app of [a, b]) {
    const took = await within(5000, async () => (await me(app, live.accessToken)).statusCode === 200)
    t.ok(took >= 0, `serving again ${Date.now() - promotedAt} ms after the promotion`)
    t.equal((await me(app, revoked.accessToken)).json().code, 'AUTH_TOKEN_REVOKED', 'the revocation survived')
  }
  const after = await loginWithTokens(a, 'lou')
  t.equal((await logout(a, after.accessToken)).statusCode, 204, 'revocations are written and confirmed on the new primary')
  t.ok(await within(100, async () => (await me(b, after.accessToken)).statusCode === 401) >= 0, 'and reach B within 100 ms')
})

test('a CLUSTER FAILOVER under load from two instances: 0 revoked tokens accepted, 0 revocations lost', async (t) => {
  const { a, b, prefix } = await twoInstances(t, env())
  const shard = revocationKeyNames(prefix).revocationIndex
  const report = await failoverUnderLoad(t, [a, b], async () => await topology.failoverShardOf(shard), async () => {})
  t.equal(report.revokedAccepted, 0, 'no GET with a logged-out token was answered 200')
  t.equal(report.lostRevocations, 0, 'every logout answered 204 (or completed by its retry) is refused everywhere')
  t.ok(report.logoutsAnswered > 0, `${report.logoutsAnswered} logouts answered 204 during the run`)
  t.ok(report.unavailableAfterPromotionMs < 5000, `the last 503 on a GET came ${report.unavailableAfterPromotionMs} ms after the promotion`)
})
