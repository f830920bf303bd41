// One garbage collection when piece traffic goes quiet. Piece buffers and socket chunks live
// outside the V8 heap, and V8 collects them only once 64 MiB more of such memory was allocated
// since its last collection: a burst that ends below that (the pins fetched after an assign, a
// stream that stopped) leaves up to 64 MiB of dead buffers in RSS for as long as the server
// stays idle, since an idle server allocates nothing that would trigger a collection (measured:
// 64 MiB of dead buffers 15 s after an assign, RSS 172 MiB). So after QUIET_MS without a
// verified piece, once MIN_BYTES arrived since the last one, a full collection runs: tens of
// milliseconds while nothing is streaming (src/idle-collect.ts reaches V8's gc(); where it
// cannot, this does nothing).
import { collector } from '../idle-collect.ts'

const QUIET_MS = 2000
const MIN_BYTES = 16 * 1024 * 1024

let since = 0
let timer: NodeJS.Timeout | undefined

/** `bytes` of piece data arrived (verified, or read back from disk). */
export function notePieceBytes (bytes: number): void {
  since += bytes
  if (since < MIN_BYTES) return
  if (timer !== undefined) { timer.refresh(); return }
  timer = setTimeout(() => {
    timer = undefined
    since = 0
    collector()?.({ type: 'major', execution: 'sync' })
  }, QUIET_MS)
  timer.unref()
}
