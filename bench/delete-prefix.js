/** Deletes the keys under this run's prefix, and nothing else: a shared Redis keeps everyone else's data. */

export async function deletePrefix (redis, prefix) {
  // Glob characters in the prefix would widen the match; escape them so SCAN matches it literally.
  const pattern = `${prefix.replace(/[*?[\]\\{}]/g, '\\$&')}*`
  let cursor = '0'
  let deleted = 0
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
    if (keys.length > 0) deleted += await redis.unlink(...keys)
    cursor = next
  } while (cursor !== '0')
  return deleted
}
