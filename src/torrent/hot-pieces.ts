// Recently used verified pieces in memory, in front of another store: sequential readers and
// upload requests hit memory instead of reopening a piece file for every 16 KiB. Memory holds
// only what was verified (written after its hash check, or read whole through the store below,
// which checks what it cannot trust), so a hit needs no check: only the disk can change behind
// our back.
import { pieceSize, type TorrentMeta } from './metadata.ts'
import type { PiecePool } from './piece-pool.ts'
import { pieceKey } from './piece-file.ts'
import type { PieceStore, WriteUse } from './piece-store.ts'

/** pieces up to this size are read whole into memory on a miss; larger ones range by range */
const WHOLE_PIECE_READ = 4 * 1024 * 1024
/**
 * Unused this long, the set is dropped: it serves readers at work, and held 16 MiB of an idle
 * server's RSS (the pins fetched after an assign went through it). Before PiecePool's trim and
 * quiet-gc.ts's collection, so the memory goes back with them.
 */
const IDLE_DROP_MS = 1000

/**
 * Unconsumed pieces untouched this long are taken for a reader's that went away: they go first,
 * oldest first, so they cannot hold the set against the readers at work.
 */
const STALE_MS = 30_000

/**
 * The memory shared by every torrent's HotPieceStore. Full, it lets go of a piece some reader
 * has read to its end first; then of a stale piece (STALE_MS); then of the piece stored last,
 * the one a reader needs latest. Least recently used dropped exactly the piece a reader behind
 * the download needed next (read-ahead lands newer pieces than the one it reads), and each read
 * back from disk then dropped the following one: at full speed about two pieces in three were
 * read back once (1 GiB sequential, 1706 pool pieces taken per GiB instead of ~1024). A piece
 * arriving into a set full of pieces nobody has read yet is therefore not kept at all: it is on
 * disk, and the pieces held are the ones the readers reach first.
 */
export class HotPieces {
  /** held pieces in the order they were stored, each with when it was stored or read last (ms) */
  private readonly pieces = new Map<string, { buf: Buffer, at: number }>()
  /** held pieces some read reached the end of, in the order they did */
  private readonly consumed = new Set<string>()
  private bytes = 0
  private idleTimer: NodeJS.Timeout | undefined
  /** reads of held pieces answered from memory, and pieces read back whole from disk (counters for /metrics) */
  hits = 0
  readBacks = 0

  /**
   * At most `maxPieces` pieces and `maxBytes` bytes (one piece is always kept, however large).
   * Pieces from `pool` are held as one of their owners, and views of them handed out are lent.
   */
  constructor (private readonly maxPieces: number, private readonly maxBytes: number, private readonly pool?: PiecePool, private readonly now: () => number = Date.now) {}

  /** `view` of a held piece leaves the store (PiecePool.lend). */
  lend (view: Buffer): Buffer { return this.pool?.lend(view) ?? view }

  /** Memory for a piece read from below, one reference held by the caller (PiecePool.take). */
  take (size: number): Buffer { return this.pool?.take(size) ?? Buffer.allocUnsafe(size) }

  /** The caller's reference to memory from take() ends. */
  release (buf: Buffer): void { this.pool?.release(buf) }

  get (infoHash: string, index: number): Buffer | undefined {
    this.used()
    const key = pieceKey(infoHash, index)
    const e = this.pieces.get(key)
    if (e === undefined) return undefined
    e.at = this.now()
    this.consumed.delete(key)
    return e.buf
  }

  /** A read reached the end of a held piece: the first to go when room is needed. */
  consume (infoHash: string, index: number): void {
    const key = pieceKey(infoHash, index)
    if (this.pieces.has(key)) this.consumed.add(key)
  }

  /** Holds a verified piece; `reading`: a read wants it now (one it waited on, or read back from disk), so it stays. */
  set (infoHash: string, index: number, data: Buffer, reading = false): void {
    this.used()
    const key = pieceKey(infoHash, index)
    this.remove(key)
    this.pool?.retain(data)
    this.pieces.set(key, { buf: data, at: this.now() })
    this.bytes += data.length
    while (this.pieces.size > 1 && (this.pieces.size > this.maxPieces || this.bytes > this.maxBytes)) {
      this.remove(this.victim(reading ? key : undefined))
    }
  }

  /** The piece to let go of (see the class): never `keep`. */
  private victim (keep: string | undefined): string {
    const consumed = this.consumed.values().next().value
    if (consumed !== undefined) return consumed
    let last: string | undefined
    let stale: string | undefined
    let staleAt = this.now() - STALE_MS
    for (const [key, e] of this.pieces) {
      if (key === keep) continue
      last = key
      if (e.at < staleAt) { stale = key; staleAt = e.at }
    }
    return stale ?? last!
  }

  forget (infoHash: string, index: number): void { this.remove(pieceKey(infoHash, index)) }

  /** Drops every piece and stops the idle timer (the cache closes). */
  close (): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    this.clear()
  }

  private clear (): void { for (const key of [...this.pieces.keys()]) this.remove(key) }

  private used (): void {
    if (this.idleTimer !== undefined) { this.idleTimer.refresh(); return }
    this.idleTimer = setTimeout(() => { this.idleTimer = undefined; this.clear() }, IDLE_DROP_MS)
    this.idleTimer.unref()
  }

  forgetTorrent (infoHash: string): void {
    for (const key of [...this.pieces.keys()]) if (key.startsWith(infoHash)) this.remove(key)
  }

  private remove (key: string): void {
    const e = this.pieces.get(key)
    if (e === undefined) return
    this.pieces.delete(key)
    this.consumed.delete(key)
    this.bytes -= e.buf.length
    this.pool?.release(e.buf)
  }
}

/** A PieceStore that answers from HotPieces when it can and otherwise asks `inner`. */
export class HotPieceStore implements PieceStore {
  private readonly hash: string

  constructor (private readonly inner: PieceStore, private readonly hot: HotPieces, private readonly meta: TorrentMeta) {
    this.hash = meta.info.infoHash
  }

  get have (): PieceStore['have'] { return this.inner.have }
  get bytes (): number { return this.inner.bytes }

  async write (index: number, data: Buffer, use: WriteUse = 'ahead'): Promise<boolean> {
    const stored = await this.inner.write(index, data)
    if (stored && use !== 'cold') this.hot.set(this.hash, index, data, use === 'reading')
    return stored
  }

  async read (index: number, offset: number, length: number): Promise<Buffer | null> {
    if (!this.inner.have.get(index)) return null
    const hit = this.hot.get(this.hash, index)
    const size = pieceSize(this.meta.info, index)
    if (hit !== undefined) {
      this.hot.hits++
      this.inner.touch(index)
      if (offset + length >= size) this.hot.consume(this.hash, index)
      return this.hot.lend(hit.subarray(offset, offset + length))
    }
    if (size > WHOLE_PIECE_READ) return await this.inner.read(index, offset, length)
    // into piece memory: a reader behind the download reads every piece back from disk once
    // (evicted from here before it got to it), and a fresh buffer each time was as much new
    // memory for the collector as the download itself
    this.hot.readBacks++
    const mem = this.hot.take(size)
    let whole: Buffer | null
    try {
      whole = await this.inner.read(index, 0, size, mem)
    } catch (err) {
      this.hot.release(mem)
      throw err
    }
    if (whole !== null && this.inner.have.get(index)) {
      this.hot.set(this.hash, index, whole, true)
      if (offset + length >= size) this.hot.consume(this.hash, index)
    }
    const view = whole === null ? null : this.hot.lend(whole.subarray(offset, offset + length))
    this.hot.release(mem)
    return view
  }

  touch (index: number): void { this.inner.touch(index) }

  consumed (index: number): void { this.hot.consume(this.hash, index) }

  async evict (index: number): Promise<void> {
    this.hot.forget(this.hash, index)
    await this.inner.evict(index)
  }

  async destroy (): Promise<void> {
    this.hot.forgetTorrent(this.hash)
    await this.inner.destroy()
  }
}
