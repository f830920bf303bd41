// A manual clock for the streaming layer: time moves only when a test calls advance(), which
// runs the timers that came due, in order. Records unref calls on its timer handles.
import type { Clock } from '../../src/streaming/clock.ts'

export interface FakeClock extends Clock {
  advance (ms: number): void
  /** timers not yet fired or cleared */
  pending (): number
  /** how many timer handles were unref'd */
  unrefs: number
}

export function fakeClock (start = 1000): FakeClock {
  let now = start
  let seq = 0
  const due = new Map<number, { at: number, fn: () => void }>()
  const clock: FakeClock = {
    unrefs: 0,
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++seq
      due.set(id, { at: now + ms, fn })
      return { id, unref: () => { clock.unrefs++ } }
    },
    clearTimeout: (h) => { due.delete((h as { id: number }).id) },
    advance: (ms) => {
      const until = now + ms
      for (;;) {
        const next = [...due].sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0]
        if (next === undefined || next[1].at > until) break
        due.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
      }
      now = until
    },
    pending: () => due.size
  }
  return clock
}
