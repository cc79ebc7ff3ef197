/**
 * Writes that must survive a failover. Redis replicates asynchronously: a primary that acknowledges a write and
 * dies before sending it on loses it, and Sentinel or the Cluster promotes a replica that never had it. So after
 * a revocation, a rotation or a user change, WAIT until `replicas` replicas hold it; if they do not within the
 * timeout, the request answers 503 (the write may or may not survive; every such write is safe to retry).
 */
import { ServiceUnavailableError } from '../../errors.js'
import type { RedisConnection } from './connection.js'

/** Awaited after a durable write, with a key it wrote (on a Cluster, the key picks the shard to wait on). */
export type ConfirmWrite = (key: string) => Promise<void>

export const WRITTEN: ConfirmWrite = async () => {}

export function replicaConfirmation (redis: RedisConnection, replicas: number, timeoutMs: number): ConfirmWrite {
  if (replicas === 0) return WRITTEN
  return async (key) => {
    // WAIT has no key, so alone on a Cluster it would go to any node. Pipelined behind a read of the key it goes
    // to that key's primary, on the connection that carried the write: WAIT covers that connection's writes.
    const replies = await redis.pipeline().exists(key).wait(replicas, timeoutMs).exec()
    const [err, acknowledged] = replies?.[1] ?? [new Error('no reply to WAIT')]
    if (err !== null) throw err
    if (Number(acknowledged) < replicas) {
      throw new ServiceUnavailableError(`the write reached ${Number(acknowledged)} of the ${replicas} Redis replicas it needs within ${timeoutMs} ms`)
    }
  }
}
