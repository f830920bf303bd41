import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Bitfield } from '../../src/torrent/bitfield.ts'

test('bitfield: wire order, counts, spare bits cleared', () => {
  const b = new Bitfield(10)
  assert.equal(b.buffer.length, 2)
  assert.equal(b.set(0), true)
  assert.equal(b.set(0), false)
  b.set(9)
  assert.deepEqual([...b.buffer], [0x80, 0x40])
  assert.equal(b.count(), 2)
  assert.equal(b.get(9), true)
  assert.equal(b.get(10), false)
  b.set(0, false)
  assert.equal(b.count(), 1)
  assert.throws(() => b.set(10), RangeError)
  const c = new Bitfield(10, new Uint8Array([0xff, 0xff]))
  assert.equal(c.count(), 10)
  assert.equal(c.full(), true)
  assert.deepEqual([...c.buffer], [0xff, 0xc0])
})
