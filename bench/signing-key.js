/** gatehouse's active signing key, read from Redis where gatehouse stored it, made usable by gatehouse's own code. */
import { redisKeyNames } from '../dist/src/stores/redis/key-names.js'
import { fromRecord } from '../dist/src/keys/signing-key.js'

export async function readSigningKey (redis, prefix) {
  const keys = redisKeyNames(prefix)
  const kid = await redis.get(keys.activeKid)
  if (kid === null) throw new Error(`no active signing key at ${keys.activeKid}: did gatehouse start on this Redis?`)
  const record = await redis.hget(keys.keyRing, kid)
  if (record === null) throw new Error(`the active kid ${kid} is not in ${keys.keyRing}`)
  // The record's material is the PKCS#8 PEM; fromRecord derives the public key and keeps the stored kid.
  return fromRecord(JSON.parse(record))
}
