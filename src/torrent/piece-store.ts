// The piece cache on disk: one file per verified piece (<cache>/<infohash>/<index>, written to
// a temp file and renamed, so a present file of the right size is a verified piece), bounded by
// one byte budget shared by every torrent through a single LRU (PieceCache). Pieces a session
// pins (pending reads, read windows) and pieces being read right now are never evicted.
import { createHash } from 'node:crypto'
import { promises as fsp } from 'node:fs'
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

export class PieceStore {
  readonly have: Bitfield
  /** present on disk at startup, trusted by size, SHA-1 checked on first read */
  private readonly unverified = new Set<number>()
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
      this.unverified.add(f.index)
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
    const tmp = `${this.file(index)}.tmp`
    await fsp.writeFile(tmp, data)
    await fsp.rename(tmp, this.file(index))
    if (this.have.get(index)) return true
    this.have.set(index)
    this.cache.lru.touch(this.key(index), data.length)
    this.bytesHeld += data.length
    this.remember(index, data)
    return true
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
      const hot = this.cache.hotGet(this.key(index))
      if (hot !== undefined) return hot.subarray(offset, offset + length)
      const size = pieceSize(this.meta.info, index)
      const verify = this.unverified.has(index)
      if (verify || size <= WHOLE_PIECE_READ) {
        // whole piece into memory: verification on first read after start, and sequential
        // readers / upload requests hit memory afterwards
        const data = await fsp.readFile(this.file(index)).catch(() => null)
        const ok = data !== null && data.length === size && (!verify || createHash('sha1').update(data).digest().equals(this.meta.hashes[index]!))
        if (!ok || data === null) {
          this.cache.log.warn({ infoHash: this.meta.info.infoHash, piece: index }, 'cached piece missing or corrupt, refetching')
          await this.evict(index)
          return null
        }
        this.unverified.delete(index)
        if (this.have.get(index)) this.remember(index, data)
        return data.subarray(offset, offset + length)
      }
      const fh = await fsp.open(this.file(index), 'r').catch(() => null)
      if (fh === null) { await this.evict(index); return null }
      try {
        const buf = Buffer.allocUnsafe(length)
        const { bytesRead } = await fh.read(buf, 0, length, offset)
        if (bytesRead !== length) { await this.evict(index); return null }
        return buf
      } finally { await fh.close() }
    } finally {
      const n = (this.reading.get(index) ?? 1) - 1
      if (n === 0) this.reading.delete(index)
      else this.reading.set(index, n)
    }
  }

  async evict (index: number): Promise<void> {
    if (!this.have.get(index)) return
    this.have.set(index, false)
    this.unverified.delete(index)
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
