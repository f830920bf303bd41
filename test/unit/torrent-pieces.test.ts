import { test } from 'node:test'
import assert from 'node:assert/strict'
import { blockCount, pieceSize, piecesForRange } from '../../src/torrent/metadata.ts'
import { TokenBucket } from '../../src/torrent/rate-limit.ts'
import type { TorrentInfo } from '../../src/torrent/types.ts'

const info: TorrentInfo = { infoHash: '0'.repeat(40), name: 'x', length: 100_000, pieceLength: 32_768, pieceCount: 4, files: [] }

test('piece math: last piece short, blocks, ranges', () => {
  assert.equal(pieceSize(info, 0), 32_768)
  assert.equal(pieceSize(info, 3), 100_000 - 3 * 32_768)
  assert.equal(blockCount(info, 0), 2)
  assert.equal(blockCount(info, 3), 1)
  assert.deepEqual(piecesForRange(info, 0, 1), [0, 0])
  assert.deepEqual(piecesForRange(info, 32_767, 32_769), [0, 1])
  assert.deepEqual(piecesForRange(info, 99_999, 100_000), [3, 3])
})

test('token bucket: unlimited, burst, wait estimate', () => {
  const free = new TokenBucket(0)
  assert.equal(free.take(1e9), 0)
  assert.equal(free.available(), Infinity)
  const b = new TokenBucket(1000, 1000)
  assert.equal(b.take(1000), 0)
  const wait = b.take(500)
  assert.ok(wait > 400 && wait <= 500, `wait ${wait}`)
})
