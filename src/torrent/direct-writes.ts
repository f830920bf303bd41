// Piece files written past the page cache (O_DIRECT) where the filesystem and the piece's memory
// allow it. A verified piece is written once and read back rarely (the hot set serves what is
// being streamed), so copying it into page-cache pages first bought nothing and was the largest
// single cost of streaming: a third of the server's CPU in a sequential read (perf, the kernel's
// copy under pwrite), and on a VM each new page-cache page is also faulted in by the host. On the
// bench machine 1 GiB written as 1 MiB files cost 2.5 s of kernel CPU buffered, 0.13 s direct.
//
// A direct write needs its memory, length and file offset on block boundaries. Pieces come from
// the pool's slabs, page-aligned (piece-pool.ts); a piece whose length is not a whole number of
// pages (a torrent's last piece), a small one (a disk does better merging those) or one in other
// memory is written through the page cache as before. When the filesystem refuses the flag
// (some network and FUSE filesystems, older tmpfs) or a piece's memory turns out not aligned
// (an allocator other than glibc's), that write is redone through the page cache; the first
// refusal of the flag turns direct writes off for the cache.
import { constants, fstatSync, promises as fsp } from 'node:fs'
import type { Logger } from '../logger.ts'
import { stampOf, type Stamp } from './piece-file.ts'

/** Boundaries a direct write keeps: the common page size, a multiple of every disk's block. */
export const DIRECT_ALIGN = 4096
/** Pieces smaller than this go through the page cache: many small direct writes cost the disk more. */
const DIRECT_MIN_BYTES = 256 * 1024
/** Misaligned pieces in a row, with no direct write between, before direct writes are given up. */
const MAX_MISALIGNED = 8

const O_DIRECT = constants.O_DIRECT ?? 0
const DIRECT_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | O_DIRECT

export class DirectWrites {
  /** piece files written direct, and through the page cache (metrics, benches) */
  direct = 0
  buffered = 0
  private on: boolean
  private misaligned = 0

  constructor (enabled: boolean, private readonly log: Logger) {
    this.on = enabled && O_DIRECT !== 0
  }

  /**
   * Writes `data` as the whole file at `path` (created or truncated) and returns its stamp
   * once written. Errors other than a refused direct write are the caller's.
   */
  async writeFile (path: string, data: Buffer): Promise<Stamp> {
    if (this.suits(data)) {
      const stamp = await this.tryDirect(path, data)
      if (stamp !== null) return stamp
    }
    const stamp = await write(path, data, 'w')
    this.buffered++
    return stamp
  }

  private suits (data: Buffer): boolean {
    return this.on && data.length >= DIRECT_MIN_BYTES && data.length % DIRECT_ALIGN === 0
  }

  /** The stamp of a direct write, or null when the flag or the memory was refused (EINVAL). */
  private async tryDirect (path: string, data: Buffer): Promise<Stamp | null> {
    let opened = false
    try {
      const stamp = await write(path, data, DIRECT_FLAGS, () => { opened = true })
      this.direct++
      this.misaligned = 0
      return stamp
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err
      if (!opened) this.stop(err, 'the filesystem refuses O_DIRECT')
      else if (++this.misaligned >= MAX_MISALIGNED) this.stop(err, 'piece memory is not page-aligned')
      return null
    }
  }

  private stop (err: unknown, why: string): void {
    this.on = false
    this.log.info({ err }, `piece files are written through the page cache: ${why}`)
  }
}

/** Opens (create/truncate), writes all of `data` from offset 0, stamps, closes. */
async function write (path: string, data: Buffer, flags: string | number, opened?: () => void): Promise<Stamp> {
  const fh = await fsp.open(path, flags, 0o644)
  opened?.()
  try {
    let done = 0
    while (done < data.length) done += (await fh.write(data, done, data.length - done, done)).bytesWritten
    // the stamp of the bytes just written; closing changes neither mtime nor ctime
    return stampOf(fstatSync(fh.fd, { bigint: true }))
  } finally {
    await fh.close()
  }
}
