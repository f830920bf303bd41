import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Lru } from '../../src/torrent/lru.ts'

test('lru: least recently used first, pinned keys skipped, byte totals', () => {
  const lru = new Lru<string>()
  lru.touch('a', 10)
  lru.touch('b', 10)
  lru.touch('c', 10)
  assert.equal(lru.bytes, 30)
  lru.touch('a') // a becomes most recent, keeps its size
  assert.equal(lru.bytes, 30)
  assert.deepEqual(lru.victims(20, () => false), ['b'])
  assert.deepEqual(lru.victims(0, k => k === 'b'), ['c', 'a'])
  assert.deepEqual(lru.victims(30, () => false), [])
  lru.delete('b')
  assert.equal(lru.bytes, 20)
  assert.equal(lru.has('b'), false)
  assert.deepEqual([...lru.keys()], ['c', 'a'])
})
