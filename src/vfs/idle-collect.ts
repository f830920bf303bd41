// Full garbage collections once the process has been quiet for a while after a large build
// (the published tree of a big library, the startup library check). A build promotes tens of
// MiB of short-lived rows and strings into V8's old generation, among the tree's live objects,
// and grows the young generation to its maximum (2 x 16 MiB); an idle server allocates next to
// nothing, so V8 never collects again and keeps all of it resident (236 MiB at 10,000 movies
// and 30,000 episodes, of which the live heap is ~45 MiB). So, QUIET_MS after the last build:
// a compacting collection (frees the garbage and empties the sparse pages); SHRINK_MS later a
// plain one, which sees a low allocation rate and shrinks the young generation. The compacting
// one pauses the process once, ~100-400 ms at that size; it runs only after a quiet spell.
// gc() is V8's own, reached without --expose-gc on the command line (the server runs as
// `node bin/momoshtrem.js`, and `npm start` users pass no node flags).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

type Gc = (options?: { type: 'major', execution: 'sync' }) => void

let gc: Gc | null | undefined

function collector (): Gc | null {
  if (gc !== undefined) return gc
  try {
    const exposed = (globalThis as { gc?: Gc }).gc
    if (typeof exposed === 'function') gc = exposed
    else {
      setFlagsFromString('--expose-gc')
      gc = runInNewContext('gc') as Gc
    }
  } catch {
    gc = null
  }
  return gc
}

/**
 * V8 moves live objects out of sparse pages only a few MiB per collection, picked for speed:
 * after a build, pages of the old generation hold a little of the tree among much garbage
 * (30 MiB and more at 10,000 movies), which stays resident. --stress-compaction for one
 * collection evacuates every other page; it and the flags it implies are set back to V8's
 * defaults right after (each is read per collection).
 */
const COMPACT = '--stress-compaction'
const DEFAULTS = '--no-stress-compaction --no-gc-global --no-force-marking-deque-overflows --max-semi-space-size=0'

function compacting (run: Gc): void {
  try {
    setFlagsFromString(COMPACT)
    run({ type: 'major', execution: 'sync' })
    run({ type: 'major', execution: 'sync' })
  } finally {
    setFlagsFromString(DEFAULTS)
  }
}

/** How long the process must stay quiet (no new request for a collection) before it runs. */
export const QUIET_MS = 2000

/**
 * The second collection's delay after the first: V8 shrinks the young generation at a
 * collection when its allocation rate over the last 5 s is low but not zero, so the build's
 * own allocation must have left that window.
 */
export const SHRINK_MS = 6000

let timer: NodeJS.Timeout | undefined

/**
 * Asks for the collections: they run QUIET_MS and QUIET_MS + SHRINK_MS after the last ask (so
 * a burst of changes pays for them once, after it). The timer never keeps the process alive.
 */
export function collectWhenQuiet (): void {
  if (timer !== undefined) clearTimeout(timer)
  const collect = (delay: number, then: number | null): void => {
    timer = setTimeout(() => {
      timer = undefined
      const run = collector()
      if (run === null) return
      if (then !== null) {
        compacting(run)
        collect(then, null)
      } else run({ type: 'major', execution: 'sync' })
    }, delay)
    timer.unref()
  }
  collect(QUIET_MS, SHRINK_MS)
}
