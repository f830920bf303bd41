import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LatencyTracker, StallRecorder, percentile } from '../../src/metrics/latency.ts'

test('percentile: nearest rank', () => {
  const s = Array.from({ length: 100 }, (_, i) => i + 1)
  assert.equal(percentile(s, 50), 50)
  assert.equal(percentile(s, 99), 99)
  assert.equal(percentile(s, 100), 100)
  assert.equal(percentile(s, 0), 1)
  assert.equal(percentile([7], 99), 7)
  assert.ok(Number.isNaN(percentile([], 50)))
})

test('p50/p99 per key over the recent window only', () => {
  const t = new LatencyTracker({ window: 100 })
  for (let i = 1; i <= 100; i++) t.record('a', i)
  assert.deepEqual(t.summary('a'), { count: 100, p50: 50, p99: 99, max: 100 })
  for (let i = 0; i < 100; i++) t.record('a', 5) // the old samples roll out
  assert.deepEqual(t.summary('a'), { count: 100, p50: 5, p99: 5, max: 5 })
  t.record('b', 1000)
  assert.deepEqual(t.summary('b'), { count: 1, p50: 1000, p99: 1000, max: 1000 })
  assert.equal(t.summary('nope'), undefined)
  t.record('a', -1); t.record('a', Number.NaN) // ignored
  assert.equal(t.summary('a')?.count, 100)
})

test('a slow tail shows in p99, not p50', () => {
  const t = new LatencyTracker()
  for (let i = 0; i < 500; i++) t.record('k', i % 50 === 0 ? 2000 : 10)
  const s = t.summary('k')!
  assert.equal(s.p50, 10)
  assert.equal(s.p99, 2000)
})

test('keys are bounded; the least recently recorded is dropped', () => {
  const t = new LatencyTracker({ maxKeys: 2 })
  t.record('a', 1)
  t.record('b', 1)
  t.record('a', 2)
  t.record('c', 1)
  assert.deepEqual(t.keys().sort(), ['a', 'c'])
  t.delete('a')
  assert.deepEqual(t.keys(), ['c'])
  assert.throws(() => new LatencyTracker({ window: 0 }), RangeError)
})

test('stalls: only waits over the threshold, with piece and peers, newest first, bounded', () => {
  let now = 0
  const s = new StallRecorder({ thresholdMs: 1000, keep: 3, now: () => now, clock: () => 1_700_000_000_000 + now })
  const quick = s.start()
  now += 999
  assert.equal(quick({ key: 't:0', pieceIndex: 1, peers: 4 }), null)
  for (let i = 0; i < 5; i++) {
    const end = s.start()
    now += 1500 + i
    const stall = end({ key: 't:0', pieceIndex: 10 + i, peers: i })
    assert.ok(stall !== null)
    assert.equal(end({ key: 't:0', pieceIndex: 0, peers: 0 }), null, 'ending twice records once')
  }
  assert.equal(s.total, 5)
  const recent = s.recent()
  assert.deepEqual(recent.map((x) => [x.pieceIndex, x.peers, x.waitedMs]), [[14, 4, 1504], [13, 3, 1503], [12, 2, 1502]])
  assert.equal(recent[0]!.at, 1_700_000_000_000 + now)
  recent.length = 0
  assert.equal(s.recent().length, 3, 'recent() is a copy')
  assert.equal(s.record({ key: 'x', pieceIndex: 0, peers: 0, waitedMs: 1000 }), null, 'exactly the threshold is not a stall')
})

test('stalls: the peer count is asked for only when a read stalled', () => {
  const s = new StallRecorder({ thresholdMs: 1000 })
  let asked = 0
  const peers = (): number => { asked++; return 7 }
  assert.equal(s.record({ key: 'x', pieceIndex: 0, peers, waitedMs: 3 }), null)
  assert.equal(asked, 0, 'a quick read does not count peers')
  assert.equal(s.record({ key: 'x', pieceIndex: 2, peers, waitedMs: 1500 })?.peers, 7)
  assert.equal(asked, 1)
})
