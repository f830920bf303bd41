// Garbage collections when piece traffic goes quiet. Piece buffers and socket chunks live
// outside the V8 heap, and V8 collects them only once 64 MiB more of such memory was allocated
// since its last collection: a burst that ends below that (the pins fetched after an assign, a
// stream that stopped) leaves up to 64 MiB of dead buffers in RSS for as long as the server
// stays idle, since an idle server allocates nothing that would trigger a collection (measured:
// 64 MiB of dead buffers 15 s after an assign, RSS 172 MiB). So after QUIET_MS without a
// verified piece, once MIN_BYTES arrived since the last one, a full collection runs: tens of
// milliseconds while nothing is streaming (src/idle-collect.ts reaches V8's gc(); where it
// cannot, this does nothing). A second one SHRINK_MS later: piece memory still in use at the
// first (the hot set and the pool's free list let go of theirs 1-1.5 s after their last use,
// which a slow cache write puts after the last piece) is garbage by now, and V8 shrinks the
// young generation, grown to its maximum under the burst, only at a collection that sees a
// low allocation rate (see idle-collect.ts): 13 MiB of RSS for an empty young generation.
// Both run as V8's own task (execution 'async'), not from inside this timer's callback: the
// 1 MiB pieces the pool had dropped after the pins of an assign (20 MiB) survived any number
// of collections run from JavaScript, and went at the first one run from a task (measured
// with process.memoryUsage().arrayBuffers; the same after a heap snapshot). V8 treats a
// collection with JavaScript on the stack as one whose native stack may still point into the
// heap, and keeps more alive; which object kept the pieces we did not pin down.
import { collector, SHRINK_MS } from '../idle-collect.ts'

const QUIET_MS = 2000
const MIN_BYTES = 16 * 1024 * 1024

let since = 0
let timer: NodeJS.Timeout | undefined
/** the timer is the second collection's */
let second = false

/** `bytes` of piece data arrived (verified, or read back from disk). */
export function notePieceBytes (bytes: number): void {
  since += bytes
  if (since < MIN_BYTES) return
  if (timer !== undefined && !second) { timer.refresh(); return }
  // traffic again before the second collection: it waits for the next quiet spell
  clearTimeout(timer)
  arm(first, QUIET_MS, false)
}

function first (): void {
  since = 0
  const run = collector()
  if (run === null) return
  collect(run)
  arm(() => { collect(run) }, SHRINK_MS, true)
}

function collect (run: NonNullable<ReturnType<typeof collector>>): void {
  run({ type: 'major', execution: 'async' }).catch(() => {})
}

function arm (fn: () => void, delay: number, isSecond: boolean): void {
  second = isSecond
  timer = setTimeout(() => { timer = undefined; fn() }, delay)
  timer.unref()
}
