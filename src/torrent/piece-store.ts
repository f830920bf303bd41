// The piece cache on disk: one file per verified piece (<cache>/<infohash>/<index>, written to
// a temp file and renamed, so a present file of the right size is a verified piece), bounded by
// one byte budget shared by every torrent through a single LRU (PieceCache). Pieces a session
// pins (pending reads, read windows) and pieces being read right now are never evicted.
//
// What is read back from disk is checked: each piece file's stamp (size, mtime, ctime, inode)
// is remembered when its bytes were known good (written by us, or hashed on a read), and a
// read whose file no longer matches its stamp (changed on disk, or not read since start-up)
// hashes the whole piece first; a mismatch drops the piece, and the read fetches it again.
import { createHash } from 'node:crypto'
import { fstatSync, promises as fsp, type BigIntStats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../logger.ts'
import { Bitfield } from './bitfield.ts'
import { Lru } from './lru.ts'
import { pieceSize, type TorrentMeta } from './metadata.ts'

/** verified pieces kept in memory across all torrents (most recently stored/read) */
const HOT_PIECES = 16
const HOT_BYTES = 64 * 1024 * 1024
/** pieces up to this size are read whole into memory on a cache hit */
const WHOLE_PIECE_READ = 4 * 1024 * 1024

export class PieceCache {
  readonly lru = new Lru<string>()
  private readonly stores = new Map<string, PieceStore>()
  private readonly hot = new Map<string, Buffer>()
  private hotBytes = 0
  private queue: Promise<unknown> = Promise.resolve()
  /** the last piece write failed (disk full...): logged once until a write succeeds again */
  private writesFailing = false

  constructor (readonly folder: string, readonly limit: number, readonly log: Logger) {}

  usage (): { used: number, limit: number } { return { used: this.lru.bytes, limit: this.limit } }

  async open (meta: TorrentMeta): Promise<PieceStore> {
    const store = new PieceStore(this, meta, join(this.folder, meta.info.infoHash))
    this.stores.set(meta.info.infoHash, store)
    await store.scan()
    await this.makeRoom(0)
    return store
  }

  forget (infoHash: string): void {
    this.stores.delete(infoHash)
    for (const key of [...this.hot.keys()]) if (key.startsWith(infoHash)) this.unhot(key)
  }

  hotGet (key: string): Buffer | undefined {
    const b = this.hot.get(key)
    if (b !== undefined) { this.hot.delete(key); this.hot.set(key, b) }
    return b
  }

  hotSet (key: string, data: Buffer): void {
    this.unhot(key)
    this.hot.set(key, data)
    this.hotBytes += data.length
    while (this.hot.size > 1 && (this.hot.size > HOT_PIECES || this.hotBytes > HOT_BYTES)) this.unhot(this.hot.keys().next().value!)
  }

  unhot (key: string): void {
    const b = this.hot.get(key)
    if (b === undefined) return
    this.hot.delete(key)
    this.hotBytes -= b.length
  }

  closed = false

  /** A piece write failed: its piece is delivered but not stored (logged once per outage). */
  writeFailed (err: unknown): void {
    if (this.writesFailing) return
    this.writesFailing = true
    this.log.warn({ err }, 'cache write failed: pieces are delivered to readers but not stored until writes succeed again')
  }

  writeSucceeded (): void {
    if (!this.writesFailing) return
    this.writesFailing = false
    this.log.info('cache writes succeed again')
  }

  /** Stops taking writes and waits for the ones in progress (nothing touches the disk after). */
  async close (): Promise<void> {
    this.closed = true
    await this.serial(async () => {})
  }

  /** Runs cache mutations (room-making + write) one at a time, so the budget holds. */
  serial<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }

  /** Evicts unpinned LRU pieces until `bytes` more fit; false when pinned pieces leave no room. */
  async makeRoom (bytes: number): Promise<boolean> {
    const victims = this.lru.victims(this.limit - bytes, key => {
      const [hash, index] = splitKey(key)
      return this.stores.get(hash)?.pinned(index) ?? false
    })
    for (const key of victims) {
      const [hash, index] = splitKey(key)
      const store = this.stores.get(hash)
      if (store === undefined) this.lru.delete(key)
      else await store.evict(index)
    }
    return this.lru.bytes + bytes <= this.limit
  }
}

function splitKey (key: string): [string, number] {
  const i = key.indexOf(':')
  return [key.slice(0, i), Number(key.slice(i + 1))]
}

/** What a piece file looked like when its bytes were last known good. */
interface Stamp { size: bigint, mtimeNs: bigint, ctimeNs: bigint, ino: bigint }

function stampOf (st: BigIntStats): Stamp {
  return { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino }
}

/** Unchanged since stamped: any write, truncation, replacement or touch changes one of these. */
function sameFile (stamp: Stamp | undefined, st: BigIntStats): boolean {
  return stamp !== undefined && stamp.size === st.size && stamp.mtimeNs === st.mtimeNs &&
    stamp.ctimeNs === st.ctimeNs && stamp.ino === st.ino
}

/** `length` bytes at `position`, or null when the file is shorter. */
async function readExactly (fh: FileHandle, length: number, position: number): Promise<Buffer | null> {
  const buf = Buffer.allocUnsafe(length)
  let got = 0
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got)
    if (bytesRead === 0) return null
    got += bytesRead
  }
  return buf
}

export class PieceStore {
  readonly have: Bitfield
  /**
   * Piece files as they were when their bytes were last known good. A held piece without a
   * stamp (found on disk at start-up) is hashed on its first read.
   */
  private readonly stamps = new Map<number, Stamp>()
  private readonly reading = new Map<number, number>()
  private bytesHeld = 0
  private destroyed = false
  /** set by the session: pieces it needs kept (pending reads, read windows) */
  isPinned: (index: number) => boolean = () => false
  /** called after a piece left the cache (the session tells peers with lt_donthave) */
  onEvict: (index: number) => void = () => {}

  constructor (private readonly cache: PieceCache, private readonly meta: TorrentMeta, readonly dir: string) {
    this.have = new Bitfield(meta.info.pieceCount)
  }

  get bytes (): number { return this.bytesHeld }
  private key (index: number): string { return `${this.meta.info.infoHash}:${index}` }
  private file (index: number): string { return join(this.dir, String(index)) }
  pinned (index: number): boolean { return (this.reading.get(index) ?? 0) > 0 || this.isPinned(index) }

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

  /** Stores a verified piece; false (not stored) when the cache has no unpinned room. */
  async write (index: number, data: Buffer): Promise<boolean> {
    return await this.cache.serial(async () => await this.writeNow(index, data))
  }

  private async writeNow (index: number, data: Buffer): Promise<boolean> {
    if (this.have.get(index) || this.destroyed || this.cache.closed) return this.have.get(index)
    if (!await this.cache.makeRoom(data.length)) return false
    const stamp = await this.writeFile(index, data)
    // destroyed meanwhile: its folder is removed right after this write, nothing to account
    if (stamp === null || this.destroyed) return false
    this.have.set(index)
    this.stamps.set(index, stamp)
    this.cache.lru.touch(this.key(index), data.length)
    this.bytesHeld += data.length
    this.remember(index, data)
    return true
  }

  /**
   * Writes a piece file through a temp name. When the disk refuses (full, quota, I/O error)
   * nothing is left behind: a temp file would sit outside the budget until the next start,
   * hundreds of them on a full disk. Null then: the piece was delivered, it is just not kept.
   */
  private async writeFile (index: number, data: Buffer): Promise<Stamp | null> {
    const path = this.file(index)
    const tmp = `${path}.tmp`
    let renamed = false
    try {
      await fsp.writeFile(tmp, data)
      await fsp.rename(tmp, path)
      renamed = true
      const stamp = stampOf(await fsp.stat(path, { bigint: true }))
      this.cache.writeSucceeded()
      return stamp
    } catch (err) {
      await fsp.rm(renamed ? path : tmp, { force: true }).catch(() => {})
      this.cache.writeFailed(err)
      return null
    }
  }

  private remember (index: number, data: Buffer): void { this.cache.hotSet(this.key(index), data) }

  /** Bytes [offset, offset+length) of a held piece, or null when missing or corrupt (then dropped). */
  async read (index: number, offset: number, length: number): Promise<Buffer | null> {
    try {
      return await this.readHeld(index, offset, length)
    } catch (err) {
      this.cache.log.warn({ err, infoHash: this.meta.info.infoHash, piece: index }, 'cached piece unreadable, refetching')
      await this.evict(index).catch(() => {})
      return null
    }
  }

  private async readHeld (index: number, offset: number, length: number): Promise<Buffer | null> {
    if (!this.have.get(index)) return null
    this.reading.set(index, (this.reading.get(index) ?? 0) + 1)
    try {
      this.cache.lru.touch(this.key(index))
      // memory holds what was verified: only the disk can change behind our back
      const hot = this.cache.hotGet(this.key(index))
      if (hot !== undefined) return hot.subarray(offset, offset + length)
      return await this.readDisk(index, offset, length)
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
  private async readDisk (index: number, offset: number, length: number): Promise<Buffer | null> {
    const size = pieceSize(this.meta.info, index)
    const fh = await fsp.open(this.file(index), 'r').catch(() => null)
    if (fh === null) return await this.drop(index, 'missing')
    try {
      const st = fstatSync(fh.fd, { bigint: true })
      if (st.size !== BigInt(size)) return await this.drop(index, 'wrong size')
      const trusted = sameFile(this.stamps.get(index), st)
      if (trusted && size > WHOLE_PIECE_READ) return await readExactly(fh, length, offset) ?? await this.drop(index, 'short read')
      // whole piece into memory: a check when needed, and sequential readers / upload
      // requests hit memory afterwards
      const data = await readExactly(fh, size, 0)
      if (data === null) return await this.drop(index, 'short read')
      if (!trusted && !createHash('sha1').update(data).digest().equals(this.meta.hashes[index]!)) return await this.drop(index, 'corrupt')
      if (!this.have.get(index)) return data.subarray(offset, offset + length)
      this.stamps.set(index, stampOf(st))
      this.remember(index, data)
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
    this.cache.unhot(this.key(index))
    this.cache.lru.delete(this.key(index))
    this.bytesHeld -= pieceSize(this.meta.info, index)
    await fsp.rm(this.file(index), { force: true })
    this.onEvict(index)
  }

  /** Deletes every cached piece of this torrent and its folder. */
  async destroy (): Promise<void> {
    this.destroyed = true
    for (let i = 0; i < this.meta.info.pieceCount; i++) {
      if (this.have.get(i)) this.cache.lru.delete(this.key(i))
    }
    this.bytesHeld = 0
    this.cache.forget(this.meta.info.infoHash)
    // behind any write in progress, so no piece file lands after the folder is gone
    await this.cache.serial(async () => { await fsp.rm(this.dir, { recursive: true, force: true }) })
  }
}
