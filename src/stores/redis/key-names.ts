/**
 * Every Redis key gatehouse uses, in one place (README documents this table).
 * Keys that one script touches together share a hash tag ({users}, {clients}, {keys}, {revocations})
 * so the script stays valid on Redis Cluster.
 */

import { revocationKeyNames } from '@gatehouse-auth/fastify'

export function redisKeyNames (prefix: string) {
  return {
    // {revocations}: the revocation keys, index and channel, shared with every service's verifier.
    ...revocationKeyNames(prefix),
    user: (id: string) => `${prefix}{users}:user:${id}`, //             hash, no TTL
    username: (key: string) => `${prefix}{users}:name:${key}`, //      string: user id, no TTL
    userIndex: `${prefix}{users}:index`, //                            sorted set of user ids (score 0, lexical order)
    client: (id: string) => `${prefix}{clients}:client:${id}`, //     hash, no TTL
    clientIndex: `${prefix}{clients}:index`, //                        sorted set of client ids
    keyRing: `${prefix}{keys}:ring`, //                                hash: kid -> JSON key record
    activeKid: `${prefix}{keys}:active`, //                            string: the kid that signs
    session: (sid: string) => `${prefix}session:${sid}`, //            hash, EXAT session expiry
    userSessions: (userId: string) => `${prefix}user-sessions:${userId}`, // set of sids, EXAT latest session expiry
    apiKey: (id: string) => `${prefix}api-key:${id}`, //               hash, EXAT the key's expiry
    userApiKeys: (userId: string) => `${prefix}user-api-keys:${userId}` // set of key ids, EXAT latest key expiry
  }
}

export type RedisKeyNames = ReturnType<typeof redisKeyNames>
