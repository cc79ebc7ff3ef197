/**
 * Every Redis key gatehouse uses, in one place (README documents this table).
 * Keys that one script touches together share a hash tag ({users}, {clients}, {keys}, {revocations})
 * so the script stays valid on Redis Cluster.
 */

export function redisKeyNames (prefix: string) {
  return {
    user: (id: string) => `${prefix}{users}:user:${id}`, //             hash, no TTL
    username: (key: string) => `${prefix}{users}:name:${key}`, //      string: user id, no TTL
    userIndex: `${prefix}{users}:index`, //                            sorted set of user ids (score 0, lexical order)
    client: (id: string) => `${prefix}{clients}:client:${id}`, //     hash, no TTL
    clientIndex: `${prefix}{clients}:index`, //                        sorted set of client ids
    keyRing: `${prefix}{keys}:ring`, //                                hash: kid -> JSON key record
    activeKid: `${prefix}{keys}:active`, //                            string: the kid that signs
    session: (sid: string) => `${prefix}session:${sid}`, //            hash, EXAT session expiry
    userSessions: (userId: string) => `${prefix}user-sessions:${userId}`, // set of sids, EXAT latest session expiry
    revocation: (kind: string, id: string) => `${prefix}{revocations}:${kind}:${id}`, // string, EXAT until
    revocationIndex: `${prefix}{revocations}:index`, //                sorted set: "kind:id" scored by until
    revocationChannel: `${prefix}revocations` //                       pub/sub channel: each revocation as JSON
  }
}

export type RedisKeyNames = ReturnType<typeof redisKeyNames>
