// The piece cache shared by every torrent: one byte budget and one LRU over all their pieces,
// mutations (room-making + write) run one at a time so the budget holds, and one warning per
// outage when the disk refuses writes. open() builds a torrent's store: its pieces on disk,
// with the recently used ones in memory in front when the cache has a hot set.
import { join } from 'node:path'
import type { Logger } from '../logger.ts'
import { DirectWrites } from './direct-writes.ts'
import { DiskPieceStore, type PieceBudget } from './disk-store.ts'
import { HotPieceStore, type HotPieces } from './hot-pieces.ts'
import { Lru } from './lru.ts'
import type { TorrentMeta } from './metadata.ts'
import type { PieceStore, PieceStoreHooks } from './piece-store.ts'

/** piece writes run at once (of the thread pool's four threads: reads need some too) */
const WRITE_SLOTS = 2

export interface PieceCacheOptions {
  folder: string
  /** bytes on disk across all torrents */
  limit: number
  log: Logger
  /** verified pieces kept in memory across all torrents; null keeps pieces on disk only */
  hot: HotPieces | null
  /** piece files written past the page cache where the filesystem allows (torrent.direct_writes; default on) */
  directWrites?: boolean
}

export class PieceCache implements PieceBudget {
  readonly lru = new Lru<string>()
  readonly folder: string
  readonly limit: number
  readonly log: Logger
  readonly writer: DirectWrites
  closed = false
  private readonly hot: HotPieces | null
  private readonly stores = new Map<string, DiskPieceStore>()
  private queue: Promise<unknown> = Promise.resolve()
  /** bytes of piece writes under way: room is made for them before they start */
  reserved = 0
  /** piece writes under way (close() waits for them), and callers waiting for a write slot */
  private readonly writes = new Set<Promise<unknown>>()
  private readonly slotWaiters: Array<() => void> = []
  /** the last piece write failed (disk full...): logged once until a write succeeds again */
  private writesFailing = false

  constructor (opts: PieceCacheOptions) {
    this.folder = opts.folder
    this.limit = opts.limit
    this.log = opts.log
    this.hot = opts.hot
    this.writer = new DirectWrites(opts.directWrites ?? true, opts.log)
  }

  usage (): { used: number, limit: number } { return { used: this.lru.bytes, limit: this.limit } }

  /** The store of one torrent, with the pieces found in its folder (checked on first read). */
  async open (meta: TorrentMeta, hooks: PieceStoreHooks = {}): Promise<PieceStore> {
    const hash = meta.info.infoHash
    const hot = this.hot
    const disk = new DiskPieceStore(this, meta, join(this.folder, hash), {
      isPinned: hooks.isPinned,
      // the memory copy goes with the piece: it would only hold memory from then on
      evicted: i => { hot?.forget(hash, i); hooks.evicted?.(i) }
    })
    this.stores.set(hash, disk)
    await disk.scan()
    await this.makeRoom(0)
    return hot === null ? disk : new HotPieceStore(disk, hot, meta)
  }

  /** A destroyed store: its pieces are no longer in the budget. */
  forget (infoHash: string): void {
    this.stores.delete(infoHash)
    this.hot?.forgetTorrent(infoHash)
  }

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
    await this.settled()
    this.hot?.close()
  }

  /** Resolves once every piece write under way has ended. */
  async settled (): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes])
  }

  /**
   * Runs a piece write outside the serial queue, at most WRITE_SLOTS at once: each write is
   * several thread-pool round trips, and one at a time the writes fell behind the swarm. The
   * caller has made room (reserved) under serial(); waiting for a slot happens there too, so
   * writes start in order.
   */
  async slot (): Promise<void> {
    while (this.writes.size >= WRITE_SLOTS) await new Promise<void>((resolve) => this.slotWaiters.push(resolve))
  }

  track<T> (job: Promise<T>): Promise<T> {
    this.writes.add(job)
    const done = (): void => { this.writes.delete(job); this.slotWaiters.shift()?.() }
    job.then(done, done)
    return job
  }

  /** Runs cache mutations (room-making + write) one at a time, so the budget holds. */
  serial<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }

  /** Evicts unpinned LRU pieces until `bytes` more fit; false when pinned pieces leave no room. */
  async makeRoom (bytes: number): Promise<boolean> {
    const victims = this.lru.victims(this.limit - bytes - this.reserved, key => {
      const [hash, index] = splitKey(key)
      return this.stores.get(hash)?.pinned(index) ?? false
    })
    for (const key of victims) {
      const [hash, index] = splitKey(key)
      const store = this.stores.get(hash)
      if (store === undefined) this.lru.delete(key)
      else await store.evict(index)
    }
    return this.lru.bytes + this.reserved + bytes <= this.limit
  }
}

function splitKey (key: string): [string, number] {
  const i = key.indexOf(':')
  return [key.slice(0, i), Number(key.slice(i + 1))]
}
