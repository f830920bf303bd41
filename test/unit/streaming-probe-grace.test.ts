import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GraceRegistry, type Timers } from '../../src/streaming/probe-grace.ts'
import { ClosedError } from '../../src/errors.ts'
import { fakeClock } from '../helpers/clock.ts'
import { waitFor } from '../helpers/wait.ts'

const fakeTimers = fakeClock

interface State { window: number }

test('a reopen within the grace gets the same state back', () => {
  const timers = fakeTimers()
  const expired: string[] = []
  const g = new GraceRegistry<State>({ graceMs: 10_000, timers, onExpire: (k) => expired.push(k) })
  const a = g.acquire('f1', () => ({ window: 0 }))
  assert.equal(a.reused, false)
  a.state.window = 123_456
  a.release()
  assert.equal(g.handles('f1'), 0, 'in grace: no handle open...')
  assert.equal(g.get('f1')?.window, 123_456, '...and the state kept')
  assert.equal(timers.unrefs, 1)
  timers.advance(9_999)
  const b = g.acquire('f1', () => ({ window: 0 }))
  assert.equal(b.reused, true)
  assert.equal(b.state.window, 123_456)
  assert.equal(timers.pending(), 0, 'the reopen cancelled the grace timer')
  timers.advance(60_000)
  assert.deepEqual(expired, [])
  b.release()
  timers.advance(10_000)
  assert.deepEqual(expired, ['f1'])
  assert.equal(g.get('f1'), undefined)
  assert.equal(g.acquire('f1', () => ({ window: 1 })).state.window, 1)
})

test('the grace starts only when the last of several handles closes; release is idempotent', () => {
  const timers = fakeTimers()
  const expired: Array<[string, State]> = []
  const g = new GraceRegistry<State>({ graceMs: 5000, timers, onExpire: (k, s) => expired.push([k, s]) })
  const h1 = g.acquire('f', () => ({ window: 7 }))
  const h2 = g.acquire('f', () => ({ window: 99 }))
  assert.equal(h2.reused, true)
  assert.equal(h2.state, h1.state)
  assert.equal(g.handles('f'), 2)
  h1.release()
  h1.release()
  assert.equal(g.handles('f'), 1)
  timers.advance(10_000)
  assert.equal(expired.length, 0)
  h2.release()
  assert.equal(g.handles('f'), 0, 'in grace: no handle open...')
  assert.ok(g.get('f') !== undefined, '...and the state kept')
  timers.advance(5000)
  assert.deepEqual(expired, [['f', { window: 7 }]])
  assert.equal(g.get('f'), undefined, 'forgotten after the grace')
})

test('grace 0 drops state at the last close', () => {
  const expired: string[] = []
  const g = new GraceRegistry<number>({ graceMs: 0, timers: fakeTimers(), onExpire: (k) => expired.push(k) })
  const h = g.acquire('x', () => 1)
  assert.equal(g.get('x'), 1)
  h.release()
  assert.deepEqual(expired, ['x'])
  assert.equal(g.get('x'), undefined)
  assert.throws(() => new GraceRegistry({ graceMs: -1 }), RangeError)
})

test('dispose cancels every timer, calls no onExpire, and refuses new handles', () => {
  const timers = fakeTimers()
  const expired: string[] = []
  const g = new GraceRegistry<number>({ graceMs: 1000, timers, onExpire: (k) => expired.push(k) })
  const open = g.acquire('a', () => 1)
  g.acquire('b', () => 2).release()
  assert.equal(timers.pending(), 1)
  g.dispose()
  assert.equal(timers.pending(), 0)
  open.release() // a handle outliving dispose is harmless
  timers.advance(5000)
  assert.deepEqual(expired, [])
  assert.throws(() => g.acquire('c', () => 3), ClosedError)
})

test('grace timers are unref\'d (a pending grace never keeps the process alive) and fire for real', async () => {
  const handles: NodeJS.Timeout[] = []
  const wrapped: Timers = {
    setTimeout: (fn, ms) => { const h = setTimeout(fn, ms); handles.push(h); return h },
    clearTimeout: (h) => { clearTimeout(h as NodeJS.Timeout) }
  }
  const g = new GraceRegistry<number>({ graceMs: 60_000, timers: wrapped })
  g.acquire('a', () => 1).release()
  assert.equal(handles.length, 1)
  assert.equal(handles[0]!.hasRef(), false)
  g.dispose()
  const expired: string[] = []
  const quick = new GraceRegistry<number>({ graceMs: 20, onExpire: (k) => expired.push(k) })
  quick.acquire('q', () => 1).release()
  await waitFor(() => expired.length > 0, 2000, 'the 20 ms grace to run out on the process clock')
  assert.deepEqual(expired, ['q'])
})
