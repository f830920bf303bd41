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

test('piece pool: memory it did not hand out is left alone', () => {
  const pool = new PiecePool(8 * 1024 * 1024)
  const other = Buffer.alloc(1024)
  pool.retain(other)
  pool.release(other)
  assert.equal(pool.lend(other), other)
  assert.equal(pool.inUse, 0)
  assert.equal(pool.slabBytes, 0)
  pool.close()
})

test('piece pool: pieces are cut from slabs of more than 32 MiB (glibc maps those on their own, and unmaps them)', () => {
  const pool = new PiecePool(8 * 1024 * 1024)
  const [a, b] = [pool.take(1024 * 1024), pool.take(1024 * 1024)]
  assert.equal(a.buffer, b.buffer, 'one slab')
  assert.ok(a.buffer.byteLength > 32 * 1024 * 1024, `slab of ${a.buffer.byteLength} bytes`)
  assert.equal(a.length, 1024 * 1024)
  assert.notEqual(a.byteOffset, b.byteOffset)
  const big = pool.take(20 * 1024 * 1024)
  assert.ok(big.buffer.byteLength > 32 * 1024 * 1024 && Math.floor(big.buffer.byteLength / (20 * 1024 * 1024)) === 2, 'large pieces too: two in a slab')
  // pieces of whole pages start on a page (glibc's mapped block is 16 bytes past one): see direct-writes.ts
  for (const p of [a, b, big]) assert.equal((p.byteOffset + 16) % 4096, 0, `piece at ${p.byteOffset}`)
  assert.equal(pool.inUse, 3)
  // a lent view of the second piece holds the second piece only
  const view = pool.lend(b.subarray(10, 20))
  pool.release(a)
  pool.release(b)
  assert.equal(pool.take(1024 * 1024), a, 'the first piece is free again')
  assert.notEqual(pool.take(1024 * 1024), b, 'the second is still lent')
  giveBack(view)
  assert.equal(pool.take(1024 * 1024), b)
  pool.close()
})

test('piece pool: a slab with no piece in use goes when traffic stops, or when the free pieces are over the bound', () => {
  const pool = new PiecePool(2 * 1024)
  const [x, y, z] = [pool.take(1024), pool.take(1024), pool.take(1024)]
  pool.release(x)
  pool.release(y)
  assert.equal(pool.take(1024), y, 'free pieces under the bound stay')
  pool.release(y)
  pool.release(z)
  assert.equal(pool.slabBytes, 0, 'the slab emptied with 3 KiB free, over the 2 KiB bound')
  const w = pool.take(1024)
  assert.notEqual(w.buffer, x.buffer, 'a new slab')
  const v = pool.take(1024)
  pool.release(v)
  pool.trim()
  assert.equal(pool.take(1024), v, 'a slab with a piece in use stays through a trim')
  pool.release(v)
  pool.release(w)
  assert.ok(pool.slabBytes > 0, 'an empty slab under the bound waits while traffic goes on')
  pool.trim()
  assert.equal(pool.slabBytes, 0, 'trimmed')
  assert.equal(pool.inUse, 0)
  assert.notEqual(pool.take(1024).buffer, w.buffer)
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
