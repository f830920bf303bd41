import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ReadRateEstimator, readaheadBytes } from '../../src/streaming/readahead.ts'

function clock (): { now: () => number, advance: (ms: number) => void } {
  let t = 1_000_000
  return { now: () => t, advance: (ms) => { t += ms } }
}

test('steady reads give the steady rate', () => {
  const c = clock()
  const r = new ReadRateEstimator({ windowMs: 5000, now: c.now })
  assert.equal(r.rate(), 0)
  for (let i = 0; i < 100; i++) { r.record(100_000); c.advance(100) } // 1 MB/s for 10 s
  assert.ok(Math.abs(r.rate() - 1_000_000) / 1_000_000 < 0.05, `rate ${r.rate()}`)
})

test('the first read is not infinitely fast (minimum span)', () => {
  const c = clock()
  const r = new ReadRateEstimator({ now: c.now, minSpanMs: 1000 })
  r.record(4_000_000)
  assert.equal(r.rate(), 4_000_000)
  c.advance(2000)
  assert.equal(r.rate(), 2_000_000)
})

test('old reads leave the window; a long pause resets to 0 and restarts the span', () => {
  const c = clock()
  const r = new ReadRateEstimator({ windowMs: 2000, now: c.now })
  for (let i = 0; i < 20; i++) { r.record(1_000_000); c.advance(100) } // 10 MB/s
  assert.ok(r.rate() > 8_000_000)
  c.advance(3000)
  assert.equal(r.rate(), 0)
  r.record(500_000)
  assert.equal(r.rate(), 500_000) // divided by the 1 s minimum span, not by the old history
  r.reset()
  assert.equal(r.rate(), 0)
})

test('a rate change shows within one window', () => {
  const c = clock()
  const r = new ReadRateEstimator({ windowMs: 4000, now: c.now })
  for (let i = 0; i < 80; i++) { r.record(500_000); c.advance(100) } // 5 MB/s
  for (let i = 0; i < 40; i++) { r.record(50_000); c.advance(100) } // 0.5 MB/s
  assert.ok(Math.abs(r.rate() - 500_000) / 500_000 < 0.1, `rate ${r.rate()}`)
})

test('memory stays bounded under many tiny reads', () => {
  const c = clock()
  const r = new ReadRateEstimator({ windowMs: 1000, now: c.now })
  for (let i = 0; i < 100_000; i++) { r.record(10); c.advance(1) }
  assert.ok((r as unknown as { buckets: unknown[] }).buckets.length <= 21)
  assert.ok(Math.abs(r.rate() - 10_000) < 600)
  r.record(0); r.record(-5); r.record(Number.NaN) // ignored
  assert.throws(() => new ReadRateEstimator({ windowMs: 0 }), RangeError)
})

test('readaheadBytes: seconds of the rate, clamped to [min, max]', () => {
  const o = { min: 4 << 20, max: 32 << 20, seconds: 10 }
  assert.equal(readaheadBytes(1_000_000, o), 10_000_000)
  assert.equal(readaheadBytes(100_000, o), 4 << 20)
  assert.equal(readaheadBytes(50_000_000, o), 32 << 20)
  assert.equal(readaheadBytes(0, o), 4 << 20)
  assert.equal(readaheadBytes(Number.NaN, o), 4 << 20)
  assert.equal(readaheadBytes(Infinity, o), 4 << 20)
  assert.equal(readaheadBytes(333.3, { min: 0, max: 1e9, seconds: 3 }), 1000)
  assert.equal(readaheadBytes(1e6, { min: 64, max: 16, seconds: 1 }), 16) // min above max: max wins
})
