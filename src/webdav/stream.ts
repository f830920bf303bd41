// Writes a byte range of a RandomAccessReader into an HTTP response, one chunk at a time.
// The next chunk is read only once the socket has taken the previous one (its write callback
// ran), so a player that stops reading stops the torrent reads too, instead of us fetching
// pieces ahead of what the socket accepts (webdav.md: mpv pulled 105 MB in 3 seconds from a
// server without this). The write callback is also the moment a chunk's bytes have left the
// process: the chunk goes back to its reader then (recycle). A chunk may be a view of the
// engine's piece memory; given back, its piece is reused at once, where left to the garbage
// collector a full-speed stream kept taking fresh pieces until the next major collection.
import type { ServerResponse } from 'node:http'
import type { RandomAccessReader } from '../vfs/types.ts'

/** Bytes per read. Big enough to keep a torrent read efficient, small enough to stop fast. */
export const CHUNK_SIZE = 256 * 1024

/** Up to `length` bytes at `offset`: cut at a piece boundary when the reader can (readSome). */
export async function readChunk (reader: RandomAccessReader, offset: number, length: number, signal: AbortSignal): Promise<Buffer> {
  return reader.readSome !== undefined ? await reader.readSome(offset, length, signal) : await reader.read(offset, length, signal)
}

export interface RangeBody {
  reader: RandomAccessReader
  /** first byte to send (inclusive) */
  start: number
  /** last byte to send (inclusive) */
  end: number
  /** bytes already read at `start` (read before the headers went out, so an early error keeps its status) */
  first?: Buffer
  /** aborted when the response closes early (client gone); passed to every read */
  signal: AbortSignal
}

/** How a body ended: every byte handed to the socket and the response ended, or the response closed first. */
export type BodyEnd = 'done' | 'closed'

/**
 * Writes bytes [start, end] of the reader to `res` (status and headers set) and ends it.
 * Rejects with a read error (a short read included), the response left for the caller to
 * destroy. The reader is neither closed nor used once this settles.
 */
export async function writeRange (res: ServerResponse, body: RangeBody): Promise<BodyEnd> {
  const { reader, end, signal } = body
  let pos = body.start
  let chunk = body.first
  while (pos <= end) {
    if (chunk === undefined) {
      const length = Math.min(CHUNK_SIZE, end + 1 - pos)
      try {
        chunk = await readChunk(reader, pos, length, signal)
      } catch (err) {
        if (signal.aborted || res.destroyed) return 'closed'
        throw err
      }
      // a reader that returns nothing would loop forever; the length promised is owed
      if (chunk.length === 0) throw new Error(`short read at ${pos} (wanted ${length} bytes)`)
    }
    // never past the range: a longer chunk is cut as a copy (the original goes back at once), so
    // what the socket holds is always an object the reader returned or our own memory
    if (chunk.length > end + 1 - pos) {
      const cut = Buffer.from(chunk.subarray(0, end + 1 - pos))
      reader.recycle?.(chunk)
      chunk = cut
    }
    const n = chunk.length
    if (!await written(res, chunk, reader)) return 'closed'
    pos += n
    chunk = undefined
  }
  res.end()
  return 'done'
}

/**
 * Writes `chunk`; true once the socket took it, false when the response closed first. The
 * chunk goes back to the reader from the write callback, or from the response's 'close' when
 * that comes first (a client that hung up: Node never calls back the write in flight then).
 * Either way nothing reads the bytes any more: the response closes only once it finished
 * (every write done) or its socket's handle closed, which ends every write still pending.
 */
async function written (res: ServerResponse, chunk: Buffer, reader: RandomAccessReader): Promise<boolean> {
  if (res.destroyed) { reader.recycle?.(chunk); return false }
  return await new Promise<boolean>((resolve) => {
    let out = false
    const settle = (ok: boolean): void => {
      if (out) return
      out = true
      res.off('close', onClose)
      reader.recycle?.(chunk)
      resolve(ok)
    }
    const onClose = (): void => { settle(false) }
    res.once('close', onClose)
    res.write(chunk, (err) => { settle(err == null && !res.destroyed) })
  })
}
