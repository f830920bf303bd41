// One torrent's pieces on disk: one file per verified piece (<cache>/<infohash>/<index>; one
// found at start-up is hashed before its first read), inside the budget shared by every
// torrent (PieceCache). Pieces the owner pins and pieces being read right now are never
// evicted for room.
//
// What is read back is checked: each piece file's stamp (size, mtime, ctime, inode) is
// remembered when its bytes were known good (written by us, or hashed on a read), and a read
// whose file no longer matches its stamp (changed on disk, or not read since start-up) hashes
// the whole piece first; a mismatch drops the piece, and the read fetches it again.
import { createHash } from 'node:crypto'
import { fstatSync, promises as fsp } from 'node:fs'
import { join } from 'node:path'
import { Bitfield } from './bitfield.ts'
import { pieceSize, type TorrentMeta } from './metadata.ts'
import type { Logger } from '../logger.ts'
import type { DirectWrites } from './direct-writes.ts'
import type { Lru } from './lru.ts'
import type { PieceStore, PieceStoreHooks } from './piece-store.ts'
import { pieceKey, readExactly, sameFile, stampOf, type Stamp } from './piece-file.ts'

/** What a disk store shares with the other torrents' stores (PieceCache). */
export interface PieceBudget {
  /** every torrent's pieces, least recently used first, with their sizes */
  readonly lru: Lru<string>
  /** the engine is closing: no more writes */
  readonly closed: boolean
  readonly log: Logger
  /** writes piece files (past the page cache where it can) */
  readonly writer: DirectWrites
  /** runs room-making one at a time across torrents */
  serial<T> (fn: () => Promise<T>): Promise<T>
  /** bytes of writes under way, room made for them (counted by makeRoom) */
  reserved: number
  /** waits for a free write slot (call under serial) */
  slot (): Promise<void>
  /** a write under way: close() and settled() wait for it */
  track<T> (job: Promise<T>): Promise<T>
  /** resolves once every write under way has ended */
  settled (): Promise<void>
  /** evicts unpinned pieces until `bytes` more fit; false when pinned ones leave no room */
  makeRoom (bytes: number): Promise<boolean>
  writeFailed (err: unknown): void
  writeSucceeded (): void
  /** a destroyed store's pieces leave the budget */
  forget (infoHash: string): void
}

export class DiskPieceStore implements PieceStore {
  readonly have: Bitfield
  /**
   * Piece files as they were when their bytes were last known good. A held piece without a
   * stamp (found on disk at start-up) is hashed on its first read.
   */
  private readonly stamps = new Map<number, Stamp>()
  private readonly reading = new Map<number, number>()
  /** pieces being written now */
  private readonly writingNow = new Set<number>()
  private bytesHeld = 0
  private destroyed = false

  constructor (private readonly cache: PieceBudget, private readonly meta: TorrentMeta, readonly dir: string, private readonly hooks: PieceStoreHooks = {}) {
    this.have = new Bitfield(meta.info.pieceCount)
  }

  get bytes (): number { return this.bytesHeld }
  private key (index: number): string { return pieceKey(this.meta.info.infoHash, index) }
  private file (index: number): string { return join(this.dir, String(index)) }
  /** kept when room is made: being read now, or pinned by the owner */
  pinned (index: number): boolean { return (this.reading.get(index) ?? 0) > 0 || (this.hooks.isPinned?.(index) ?? false) }
  touch (index: number): void { if (this.have.get(index)) this.cache.lru.touch(this.key(index)) }

  /** Takes the piece files found in the folder (right name and size; the rest is removed). */
  async scan (): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true })
    const found: Array<{ index: number, mtime: number, size: number }> = []
    for (const name of await fsp.readdir(this.dir)) {
      const path = join(this.dir, name)
      const index = /^\d+$/.test(name) ? Number(name) : -1
      const st = await fsp.stat(path).catch(() => null)
      if (st === null) continue
      if (index < 0 || index >= this.meta.info.pieceCount || st.size !== pieceSize(this.meta.info, index)) {
        await fsp.rm(path, { force: true, recursive: true })
        continue
      }
      found.push({ index, mtime: st.mtimeMs, size: st.size })
    }
    found.sort((a, b) => a.mtime - b.mtime)
    for (const f of found) {
      this.have.set(f.index)
      this.cache.lru.touch(this.key(f.index), f.size)
      this.bytesHeld += f.size
    }
  }

  /**
   * Room is made (and reserved) one write at a time across torrents, under the cache's serial
   * queue; the write itself runs in one of the cache's write slots, beside others.
   */
  async write (index: number, data: Buffer): Promise<boolean> {
    const started = await this.cache.serial(async () => {
      if (this.have.get(index) || this.writingNow.has(index) || this.destroyed || this.cache.closed) return null
      if (!await this.cache.makeRoom(data.length)) return null
      await this.cache.slot()
      if (this.destroyed || this.cache.closed) return null
      this.cache.reserved += data.length
      this.writingNow.add(index)
      // started (and tracked) inside the queue: whatever is queued behind sees it under way
      return { job: this.cache.track(this.writeFile(index, data)) }
    })
    if (started === null) return this.have.get(index)
    let stamp: Stamp | null
    try {
      stamp = await started.job
    } finally {
      this.cache.reserved -= data.length
      this.writingNow.delete(index)
    }
    // destroyed meanwhile: its folder is removed once this write ended, nothing to account
    if (stamp === null || this.destroyed) return false
    this.have.set(index)
    this.stamps.set(index, stamp)
    this.cache.lru.touch(this.key(index), data.length)
    this.bytesHeld += data.length
    return true
  }

  /**
   * Writes a piece file in place (direct-writes.ts): open, write, fstat, close (three thread-pool round trips;
   * a temp file, rename and stat made five, and under load the serial writes fell behind the
   * download and verified pieces piled up in memory). No temp name is needed: a piece counts
   * as held only once this returns, and a file found at start-up (a crash mid-write) has no
   * stamp, so it is hashed before its first read. When the disk refuses (full, quota, I/O
   * error) the file is removed: it would sit outside the budget until the next start, hundreds
   * of them on a full disk. Null then: the piece was delivered, it is just not kept.
   */
  private async writeFile (index: number, data: Buffer): Promise<Stamp | null> {
    const path = this.file(index)
    try {
      const stamp = await this.cache.writer.writeFile(path, data)
      this.cache.writeSucceeded()
      return stamp
    } catch (err) {
      await fsp.rm(path, { force: true }).catch(() => {})
      this.cache.writeFailed(err)
      return null
    }
  }

  async read (index: number, offset: number, length: number, into?: Buffer): Promise<Buffer | null> {
    if (!this.have.get(index)) return null
    this.reading.set(index, (this.reading.get(index) ?? 0) + 1)
    try {
      this.cache.lru.touch(this.key(index))
      return await this.readFile(index, offset, length, into)
    } catch (err) {
      this.cache.log.warn({ err, infoHash: this.meta.info.infoHash, piece: index }, 'cached piece unreadable, refetching')
      await this.evict(index).catch(() => {})
      return null
    } finally {
      const n = (this.reading.get(index) ?? 1) - 1
      if (n === 0) this.reading.delete(index)
      else this.reading.set(index, n)
    }
  }

  /**
   * Reads through one descriptor, so the fstat that decides whether to trust the file describes
   * the bytes read. An unchanged file costs that one fstat; a changed (or not yet checked) one
   * is read whole and hashed. The fstat is synchronous: on an open descriptor it never waits
   * for the disk (~1 us), where the promise version is a thread-pool round trip that measured
   * +5..20 us per 16 KiB range read (8 MiB pieces); synchronous, no cost could be measured.
   */
  private async readFile (index: number, offset: number, length: number, into?: Buffer): Promise<Buffer | null> {
    const size = pieceSize(this.meta.info, index)
    const fh = await fsp.open(this.file(index), 'r').catch(() => null)
    if (fh === null) return await this.drop(index, 'missing')
    try {
      const st = fstatSync(fh.fd, { bigint: true })
      if (st.size !== BigInt(size)) return await this.drop(index, 'wrong size')
      if (sameFile(this.stamps.get(index), st)) return await readExactly(fh, length, offset, into) ?? await this.drop(index, 'short read')
      const data = await readExactly(fh, size, 0, offset === 0 && length === size ? into : undefined)
      if (data === null) return await this.drop(index, 'short read')
      if (!createHash('sha1').update(data).digest().equals(this.meta.hashes[index]!)) return await this.drop(index, 'corrupt')
      if (this.have.get(index)) this.stamps.set(index, stampOf(st))
      return data.subarray(offset, offset + length)
    } finally { await fh.close() }
  }

  /** A piece file that is not what was verified: evicted (peers hear lt_donthave), fetched again. */
  private async drop (index: number, why: string): Promise<null> {
    this.cache.log.warn({ infoHash: this.meta.info.infoHash, piece: index, why }, 'cached piece changed on disk, refetching')
    await this.evict(index)
    return null
  }

  async evict (index: number): Promise<void> {
    if (!this.have.get(index)) return
    this.have.set(index, false)
    this.stamps.delete(index)
    this.cache.lru.delete(this.key(index))
    this.bytesHeld -= pieceSize(this.meta.info, index)
    await fsp.rm(this.file(index), { force: true })
    this.hooks.evicted?.(index)
  }

  async destroy (): Promise<void> {
    this.destroyed = true
    for (let i = 0; i < this.meta.info.pieceCount; i++) {
      if (this.have.get(i)) this.cache.lru.delete(this.key(i))
    }
    this.bytesHeld = 0
    this.cache.forget(this.meta.info.infoHash)
    // behind every write in progress, so no piece file lands after the folder is gone
    await this.cache.serial(async () => {
      await this.cache.settled()
      await fsp.rm(this.dir, { recursive: true, force: true })
    })
  }
}
