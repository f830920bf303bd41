// Fetches ranges of a file into the cache by reading them (urgent, like a player's read) and
// throwing the bytes away: used for the header and index ranges a player blocks on at open,
// where finishing is worth knowing (index_ready_ms in the torrent detail).
import type { Torrent } from '../torrent/types.ts'

/** Reads are cut into chunks of this size so a large index never sits in memory whole. */
const CHUNK = 1024 * 1024

export async function warmRanges (torrent: Torrent, fileIndex: number, ranges: ReadonlyArray<{ offset: number, length: number }>, deadline: number): Promise<void> {
  const reads: Array<Promise<unknown>> = []
  for (const r of ranges) {
    for (let at = r.offset; at < r.offset + r.length; at += CHUNK) {
      reads.push(torrent.read(fileIndex, at, Math.min(CHUNK, r.offset + r.length - at), { deadline }))
    }
  }
  await Promise.all(reads)
}
