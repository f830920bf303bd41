// Full garbage collections once the process has been quiet for a while after a burst of
// allocation: a large build (the published tree of a big library, the startup library check)
// or a client's walk of the tree (piece traffic has its own, torrent/quiet-gc.ts, through
// collector(): one collection there measured as well as these two). A build promotes tens of
// MiB of short-lived rows and strings into V8's old generation, among the tree's live objects,
// and a burst grows the young generation to its maximum (2 x 16 MiB); an idle server allocates
// next to nothing, so V8 never collects again and keeps all of it resident (236 MiB at 10,000
// movies and 30,000 episodes, of which the live heap is ~45 MiB). So, QUIET_MS after the last
// burst: a collection (compacting after a full build: frees the garbage and empties the sparse
// pages); SHRINK_MS later a plain one, which sees a low allocation rate and shrinks the young
// generation. The compacting one pauses the process once, ~100-400 ms at that size (more on a
// loaded machine): it runs only after a full build, and only once nothing has looked up the
// tree for QUIET_MS.
// gc() is V8's own, reached without --expose-gc on the command line (the server runs as
// `node bin/momoshtrem.js`, and `npm start` users pass no node flags).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * V8's gc(): `execution: 'sync'` collects now, from inside the caller's stack; 'async' from a
 * task of its own, with no JavaScript on the stack, and resolves once done.
 */
type Gc = ((options: { type: 'major', execution: 'sync' }) => void) & ((options: { type: 'major', execution: 'async' }) => Promise<void>)

let gc: Gc | null | undefined

/** V8's gc(), reached at run time; null where it cannot be (then nothing is collected). */
export function collector (): Gc | null {
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

/** How long the process must stay quiet (no build, no lookup in the tree) before it runs. */
export const QUIET_MS = 2000

/**
 * The second collection's delay after the first: V8 shrinks the young generation at a
 * collection when its allocation rate over the last 5 s is low but not zero, so the build's
 * own allocation must have left that window.
 */
export const SHRINK_MS = 6000

let timer: NodeJS.Timeout | undefined
let lastBusy = 0
/** a build asked for collections since they last ran */
let asked = false
/** ... a full build: the first of them compacts */
let compactNext = false

/** Young generation committed past this after a quiet spell: it grew under load (a client's walk). */
const YOUNG_GROWN = 8 * 1024 * 1024

function youngGrown (): boolean {
  return getHeapSpaceStatistics().some((s) => s.space_name === 'new_space' && s.space_size > YOUNG_GROWN)
}

/**
 * The tree was just read (a listing, a lookup) or a piece arrived: collections wait till
 * QUIET_MS after the last.
 * Once quiet, a young generation that grew under the load (13,000 PROPFINDs of an rclone
 * walk grow it to 2 x 16 MiB) is shrunk too, with no build asking.
 */
export function markBusy (): void {
  lastBusy = performance.now()
  if (timer === undefined) arm(first, QUIET_MS)
}

/**
 * Asks for the collections: the first once QUIET_MS passed without a build or a lookup,
 * compacting when `compact` (after a full build: the only time the old generation is left
 * sparse enough to be worth that pause), the second SHRINK_MS later. Asking again before they
 * ran starts the wait anew (a burst of changes pays once, after it). The timer never keeps
 * the process alive.
 */
export function collectWhenQuiet (compact: boolean): void {
  compactNext ||= compact
  asked = true
  lastBusy = performance.now()
  if (timer !== undefined) clearTimeout(timer)
  arm(first, QUIET_MS)
}

function first (): void {
  const quietFor = performance.now() - lastBusy
  if (quietFor < QUIET_MS) { arm(first, QUIET_MS - quietFor); return }
  if (!asked && !youngGrown()) return
  const run = collector()
  if (run === null) return
  if (compactNext) compacting(run)
  else run({ type: 'major', execution: 'sync' })
  asked = false
  compactNext = false
  arm(() => { run({ type: 'major', execution: 'sync' }) }, SHRINK_MS)
}

function arm (fn: () => void, delay: number): void {
  timer = setTimeout(() => { timer = undefined; fn() }, delay)
  timer.unref()
}
