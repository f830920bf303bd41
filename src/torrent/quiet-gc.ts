// One garbage collection when piece traffic goes quiet. Piece buffers and socket chunks live
// outside the V8 heap, and V8 collects them only once 64 MiB more of such memory was allocated
// since its last collection: a burst that ends below that (the pins fetched after an assign, a
// stream that stopped) leaves up to 64 MiB of dead buffers in RSS for as long as the server
// stays idle, since an idle server allocates nothing that would trigger a collection (measured:
// 64 MiB of dead buffers 15 s after an assign, RSS 172 MiB). So after QUIET_MS without a
// verified piece, once MIN_BYTES arrived since the last one, a full collection runs: tens of
// milliseconds while nothing is streaming. gc() is V8's own, exposed with --expose-gc set at
// run time; where that fails this does nothing.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const QUIET_MS = 2000
const MIN_BYTES = 16 * 1024 * 1024

let collect: (() => void) | null | undefined
let since = 0
let timer: NodeJS.Timeout | undefined

function gcFunction (): (() => void) | null {
  if (collect !== undefined) return collect
  try {
    setFlagsFromString('--expose-gc')
    const fn = runInNewContext('gc') as unknown
    collect = typeof fn === 'function' ? fn as () => void : null
  } catch {
    collect = null
  }
  return collect
}

/** `bytes` of piece data arrived (verified, or read back from disk). */
export function notePieceBytes (bytes: number): void {
  since += bytes
  if (since < MIN_BYTES) return
  if (timer !== undefined) { timer.refresh(); return }
  timer = setTimeout(() => {
    timer = undefined
    since = 0
    gcFunction()?.()
  }, QUIET_MS)
  timer.unref()
}
