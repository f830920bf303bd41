import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { giveBack, PiecePool } from '../../src/torrent/piece-pool.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Collects until the registry's callbacks ran (they run in a task after the collection). */
async function collect (): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
}

test('piece pool: a piece comes back once every owner released it, not before', () => {
  const pool = new PiecePool(8 * 1024 * 1024)
  const a = pool.take(1024 * 1024)
  pool.retain(a) // the hot set keeps it too
  pool.release(a)
  assert.notEqual(pool.take(1024 * 1024), a, 'still held by one owner')
  pool.release(a)
  assert.equal(pool.take(1024 * 1024), a, 'reused')
  assert.notEqual(pool.take(512 * 1024).length, 1024 * 1024, 'sizes are not mixed')
  pool.close()
})

test('piece pool: a lent view keeps its piece out of reuse until it is garbage', async () => {
  const pool = new PiecePool(8 * 1024 * 1024)
  const a = pool.take(64 * 1024)
  a.fill(7)
  let view: Buffer | undefined = pool.lend(a.subarray(100, 200))
  pool.release(a)
  const b = pool.take(64 * 1024)
  assert.notEqual(b, a, 'a view of it is still out there')
  b.fill(9)
  await collect()
  assert.equal(view[0], 7, 'the lent view still reads its bytes')
  view = undefined
  await collect()
  assert.equal(pool.take(64 * 1024), a, 'reused once the view was collected')
  pool.close()
})

test('piece pool: memory it did not hand out is left alone; the free list is bounded and trimmed', () => {
  const pool = new PiecePool(2 * 1024)
  const other = Buffer.alloc(1024)
  pool.retain(other)
  pool.release(other)
  assert.equal(pool.lend(other), other)
  const [x, y, z] = [pool.take(1024), pool.take(1024), pool.take(1024)]
  for (const b of [x, y, z]) pool.release(b)
  const again = [pool.take(1024), pool.take(1024), pool.take(1024)]
  assert.equal(again.filter((b) => b === x || b === y || b === z).length, 2, 'two fit the free list')
  for (const b of again) pool.release(b)
  pool.trim()
  assert.ok(![x, y, z].includes(pool.take(1024)), 'trimmed')
  pool.close()
})

test('piece pool: a lent view given back returns its piece at once, no collection needed', () => {
  const pool = new PiecePool(8 * 1024 * 1024)
  const a = pool.take(64 * 1024)
  // held here the whole test: only giveBack can return them, never the collector
  const views = [pool.lend(a.subarray(0, 100)), pool.lend(a.subarray(100, 200))]
  pool.release(a)
  giveBack(views[0]!)
  giveBack(views[0]!) // twice is once
  giveBack(Buffer.alloc(10)) // not lent: nothing
  assert.notEqual(pool.take(64 * 1024), a, 'the second view is still out')
  giveBack(views[1]!)
  assert.equal(pool.take(64 * 1024), a, 'reused once both views were given back')
  assert.equal(pool.givenBack, 2)
  assert.equal(views.length, 2)
  pool.close()
})

test('piece pool: a given-back view does not free a piece another owner still holds', () => {
  const pool = new PiecePool(8 * 1024 * 1024)
  const a = pool.take(64 * 1024)
  const view = pool.lend(a.subarray(0, 100))
  pool.lend(view) // lent twice is lent once
  giveBack(view)
  assert.notEqual(pool.take(64 * 1024), a, 'its owner (the hot set, say) still holds it')
  pool.release(a)
  assert.equal(pool.take(64 * 1024), a)
  pool.close()
})
