// A full garbage collection once the process has been quiet for a while after a large build
// (the published tree of a big library). Building it promotes tens of MiB of short-lived rows
// and strings into V8's old generation and grows the young one to its maximum (2 x 16 MiB);
// an idle server allocates next to nothing, so V8 never collects again and keeps all of it
// resident. Two collections a little apart return it: the first frees the garbage, the second
// sees a low allocation rate and shrinks the young generation.
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
 * Asks for the collections: they run QUIET_MS and QUIET_MS + SHRINK_MS after the last ask (so a burst
 * of changes pays for them once, after it). The timer never keeps the process alive.
 */
export function collectWhenQuiet (): void {
  if (timer !== undefined) clearTimeout(timer)
  const collect = (delay: number, then: number | null): void => {
    timer = setTimeout(() => {
      timer = undefined
      const run = collector()
      if (run === null) return
      run({ type: 'major', execution: 'sync' })
      if (then !== null) collect(then, null)
    }, delay)
    timer.unref()
  }
  collect(QUIET_MS, SHRINK_MS)
}
