import { test } from 'tap'
import { newId, epochSeconds } from '../../src/ids.js'

test('ids are UUIDv7 and sort in the order they were made, even within one millisecond', async (t) => {
  const ids = Array.from({ length: 5000 }, () => newId(1_700_000_000_000))
  for (const id of ids.slice(0, 3)) t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  t.same([...ids].sort(), ids)
  t.equal(new Set(ids).size, ids.length)
  t.ok(newId(Date.now()) > ids[ids.length - 1]!, 'a later time sorts later')
})

test('epoch seconds round down', async (t) => {
  t.equal(epochSeconds(1_700_000_000_999), 1_700_000_000)
})
