// Streams a byte range out of a RandomAccessReader, one chunk at a time.
// highWaterMark 0: the next chunk is read only when the socket has taken the previous one
// (pipe pauses us until 'drain'), so a player that stops reading stops the torrent reads
// too, instead of us fetching pieces ahead of what the socket accepts (webdav.md: mpv
// pulled 105 MB in 3 seconds from a server without this).
import { Readable } from 'node:stream'
import type { RandomAccessReader } from '../vfs/types.ts'

/** Bytes per read. Big enough to keep a torrent read efficient, small enough to stop fast. */
export const CHUNK_SIZE = 256 * 1024

/** Up to `length` bytes at `offset`: cut at a piece boundary when the reader can (readSome). */
export async function readChunk (reader: RandomAccessReader, offset: number, length: number, signal: AbortSignal): Promise<Buffer> {
  return reader.readSome !== undefined ? await reader.readSome(offset, length, signal) : await reader.read(offset, length, signal)
}

export interface RangeStreamOptions {
  reader: RandomAccessReader
  /** first byte to send (inclusive) */
  start: number
  /** last byte to send (inclusive) */
  end: number
  /** bytes already read at `start` (read before the headers went out, so an early error keeps its status) */
  first?: Buffer
  /** aborted when the stream is destroyed (client gone); passed to every read */
  controller: AbortController
}

/**
 * A Readable over [start, end]. Destroying it (Fastify does so when the response closes
 * early) aborts the pending read and closes the reader; a read error destroys it with the
 * error, and Fastify then destroys the response socket.
 */
export function rangeStream (opts: RangeStreamOptions): Readable {
  const { reader, end, controller } = opts
  let pos = opts.start
  let first = opts.first

  return new Readable({
    highWaterMark: 0,
    read () {
      // chunks go out as the objects readChunk returned, never as subarrays of them: they may be
      // views of the engine's piece memory, reused once the object is garbage (ReadOptions.shared)
      if (first !== undefined) {
        const chunk = first.length <= end + 1 - pos ? first : Buffer.from(first.subarray(0, end + 1 - pos))
        first = undefined
        pos += chunk.length
        this.push(chunk.length > 0 ? chunk : null)
        return
      }
      if (pos > end) { this.push(null); return }
      const length = Math.min(CHUNK_SIZE, end + 1 - pos)
      readChunk(reader, pos, length, controller.signal).then((buf) => {
        if (this.destroyed) return
        // a reader that returns nothing would loop forever; the length promised is owed
        if (buf.length === 0) { this.destroy(new Error(`short read at ${pos} (wanted ${length} bytes)`)); return }
        const chunk = buf.length > length ? Buffer.from(buf.subarray(0, length)) : buf
        pos += chunk.length
        this.push(chunk)
      }, (err: unknown) => {
        this.destroy(err instanceof Error ? err : new Error(String(err)))
      })
    },
    destroy (err, callback) {
      controller.abort()
      reader.close().then(() => { callback(err) }, () => { callback(err) })
    }
  })
}
