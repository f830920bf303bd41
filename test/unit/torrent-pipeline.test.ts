// Request pipeline depth per peer: everything requested from a peer is a FIFO commitment
// (CANCEL arrives after the peer has queued the blocks), so the depth follows the peer's
// round trip, not a fixed count.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nextRate, pipelineBlocks, slowStart } from '../../src/torrent/pipeline.ts'

const KiB = 1024
const MiB = 1024 * KiB
const BLOCK = 16 * KiB

test('pipeline: while the pipeline is the limit (rate = depth / round trip) it at least doubles', () => {
  // 100 ms round trip, 8 blocks outstanding: at most 8 blocks per 100 ms
  let depth = 8
  for (let i = 0; i < 4; i++) {
    const rate = depth * BLOCK / 0.1
    const next = pipelineBlocks(rate, 100, depth)
    assert.ok(next >= 2 * depth, `${depth} -> ${next}`)
    depth = next
  }
})

test('pipeline: once the peer\'s bandwidth is the limit, its queue stays near one round trip plus a small margin', () => {
  // loopback seeder throttled to 3 MiB/s, 2 ms round trip: ~44 ms of queue, not half a second
  const depth = pipelineBlocks(3 * MiB, 2, 8)
  const queueMs = depth * BLOCK / (3 * MiB) * 1000
  assert.ok(queueMs >= 20 && queueMs <= 60, `queue ${queueMs.toFixed(1)} ms (${depth} blocks)`)
  // the same peer across the internet (80 ms): the pipeline covers the round trip
  const far = pipelineBlocks(3 * MiB, 80, 8)
  assert.ok(far * BLOCK / (3 * MiB) * 1000 >= 160, `${far} blocks cover two round trips`)
})

test('pipeline: bounded, and shrinks gradually when demand drops', () => {
  assert.equal(pipelineBlocks(0, 2, 2), 2, 'never below 2 blocks')
  assert.equal(pipelineBlocks(1000 * MiB, 500, 8), 256, 'never above 256 blocks by default')
  assert.equal(pipelineBlocks(1000 * MiB, 500, 8, 512), 512, 'or above the peer\'s own reqq')
  assert.equal(pipelineBlocks(0, 2, 100), 90, 'a pause in demand takes 10 % per tick')
})

test('slow start: a full pipeline whose blocks see no queue grows by one per block (doubling per round trip)', () => {
  // 50 ms round trip: blocks back in 52 ms found no queue
  let depth = 8
  for (let i = 0; i < 8; i++) depth = slowStart(depth, 52, 50)
  assert.equal(depth, 16, 'eight blocks back, eight more slots: doubled in one round trip')
  // a block that waited behind others (a throttled peer's queue) does not grow it
  assert.equal(slowStart(9, 45, 2), 9)
  assert.equal(slowStart(256, 1, 1), 256, 'never above 256 blocks by default')
  assert.equal(slowStart(256, 1, 1, 512), 257)
})

test('rate: a tick with demand is a sample; an idle one (nothing asked, nothing received) keeps what was learnt', () => {
  let rate = 0
  for (let i = 0; i < 6; i++) rate = nextRate(rate, 1.5 * MiB, 500, false) // 3 MiB/s
  assert.ok(rate > 2.9 * MiB && rate <= 3 * MiB, `${rate}`)
  const learnt = rate
  for (let i = 0; i < 120; i++) rate = nextRate(rate, 0, 500, true) // a minute paused
  assert.equal(rate, learnt, 'a pause is no evidence the peer got slower')
  assert.equal(nextRate(rate, 0, 500, false), learnt / 2, 'requests outstanding and nothing came: that is evidence')
})
