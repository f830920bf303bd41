// Piece traffic of one torrent once metadata is known: requests through the Scheduler, block
// arrival, SHA-1 verification (a peer that sends bad data is struck, then banned), delivery to
// waiting reads BEFORE the piece goes to the cache (so reads larger than the cache complete),
// HAVE / lt_donthave announcements, and serving our cached pieces to peers (upload). Peers
// send their piece traffic here directly (PieceTraffic).
import { createHash } from 'node:crypto'
import type { Logger } from '../logger.ts'
import { BLOCK, pieceSize, type TorrentMeta } from './metadata.ts'
import type { Peer, PieceTraffic } from './peer.ts'
import type { PiecePool } from './piece-pool.ts'
import type { PieceStore } from './piece-store.ts'
import type { TokenBucket } from './rate-limit.ts'
import { Scheduler } from './scheduler.ts'
import { notePieceBytes } from './quiet-gc.ts'
import type { PieceStates } from './piece-map.ts'

const MAX_SERVE = 128 * 1024
const UPLOAD_SLOTS = 4
const MAX_STRIKES = 3
/** a peer that has not unchoked us this long after connecting is not waited for (Scheduler.spreadUrgent) */
const JOINING_MS = 3000
/**
 * Verified pieces waiting for their cache write, in bytes (at least two pieces): past this, no
 * more blocks are requested until writes catch up. Pieces reach readers before the disk, so
 * a disk slower than the swarm (a busy or network disk) otherwise kept every piece downloaded
 * meanwhile in memory: 125 pieces (125 MiB) behind, four streams on a loaded 2-core machine.
 */
const WRITE_BACKLOG = 16 * 1024 * 1024
/**
 * Pieces the cache refused (every piece in it pinned) kept in memory while still wanted, in
 * bytes (at least two pieces): past this the oldest goes, and is fetched again if read.
 */
const REFUSED_MAX = 8 * 1024 * 1024

/** What a Transfer needs from its torrent. */
export interface TransferHost {
  /** connected peers (Swarm.peers) */
  readonly peers: Set<Peer>
  /** the global download and upload limits */
  readonly down: TokenBucket
  readonly up: TokenBucket
  /** where pieces are assembled (their memory comes back once written and out of use) */
  readonly pool: PiecePool
  /** the torrent is active: requests go out, peers are served */
  active (): boolean
  /** the peer sent data that failed its hash check too often */
  ban (peer: Peer): void
  /** payload bytes of a piece that verified (the rest of what arrived was wasted; see Swarm.countPayload) */
  countUseful (n: number): void
  countUp (n: number): void
  /** runs `fn` after `ms` unless the torrent closed meanwhile */
  later (ms: number, fn: () => void): void
}

export class Transfer implements PieceTraffic {
  readonly scheduler: Scheduler<Peer>
  private readonly waiters = new Map<number, Set<(buf: Buffer) => void>>()
  /** pieces being written (`writing`) that a read already got to the end of */
  private readonly readToEnd = new Set<number>()
  /** verified pieces still being written to the cache */
  private readonly writing = new Map<number, Buffer>()
  private writingBytes = 0
  /**
   * Verified pieces the cache could not take (all pinned), kept while still wanted: a streamed
   * response reads a piece in parts, each read changes the wants, and a piece dropped after
   * the first part was fetched from the swarm again for the next ones (4 pieces of 256 KiB
   * read 64 KiB at a time: 9 pieces downloaded, test/engine/cache.test.ts). Dropped at the
   * next pump once nothing wants them, or when the torrent sleeps.
   */
  private readonly refused = new Map<number, Buffer>()
  private refusedBytes = 0
  private pumpQueued = false
  private pumpTimer = false

  constructor (readonly meta: TorrentMeta, readonly store: PieceStore, private readonly host: TransferHost, private readonly log: Logger) {
    this.scheduler = new Scheduler<Peer>(meta.info, {
      have: i => store.have.get(i) || this.writing.has(i) || this.refused.has(i),
      send: (peer, piece, offset, length) => {
        // the data itself comes through onBlock (the wire's 'piece' event), late blocks included
        peer.request(piece, offset, length, (err) => {
          if (err === null) return
          this.scheduler.release(peer, piece, offset)
          this.pump()
        })
      },
      cancel: (peer, piece, offset, length) => { if (!peer.closed) peer.cancel(piece, offset, length) },
      alloc: (size) => host.pool.take(size),
      free: (buf) => { host.pool.release(buf) }
    })
  }

  /** Cached (held, or verified and being written), pinned, being fetched: for a piece map. */
  pieceStates (): PieceStates {
    return {
      pieceCount: this.meta.info.pieceCount,
      cached: (i) => this.store.have.get(i) || this.writing.has(i),
      pinned: (i) => this.pinned(i),
      fetching: (i) => this.scheduler.inflight.has(i)
    }
  }

  /** Pieces to keep in the store: wanted by a read, a window or a prefetch, or awaited. */
  pinned (piece: number): boolean { return this.scheduler.pinned(piece) || this.waiters.has(piece) }

  /** A piece left the store: peers hear lt_donthave. */
  evicted (piece: number): void {
    for (const p of this.host.peers) if (p.ready) p.wire.lt_donthave?.donthave(piece)
  }

  peerChanged (peer: Peer): void {
    this.updateInterest(peer)
    this.pump()
  }

  /** Coalesces request scheduling to once per turn of the event loop. */
  pump (): void {
    if (this.pumpQueued) return
    this.pumpQueued = true
    setImmediate(() => { this.pumpQueued = false; this.pumpNow() })
  }

  private pumpNow (): void {
    this.dropUnwanted()
    if (!this.host.active()) return
    const now = Date.now()
    const peers = [...this.host.peers].filter((p) => p.canRequest)
    const joining = [...this.host.peers].filter((p) => p.ready && !p.canRequest && now - p.connectedAt < JOINING_MS)
    const fill = (request: (budget: number) => number): boolean => {
      const b = Math.floor(this.host.down.available() / BLOCK)
      if (b <= 0) {
        if (!this.pumpTimer) { this.pumpTimer = true; this.host.later(50, () => { this.pumpTimer = false; this.pump() }) }
        return false
      }
      this.host.down.consume(request(b) * BLOCK)
      return true
    }
    // nothing more is asked for until the disk catches up (each finished write pumps again):
    // a reader at full speed always waits, so its blocks are urgent and would not wait
    if (this.writingBytes > Math.max(WRITE_BACKLOG, 2 * this.meta.info.pieceLength)) return
    if (!fill((b) => this.scheduler.spreadUrgent(peers, now, b, joining))) return
    for (const peer of peers) if (!fill((b) => this.scheduler.fill(peer, now, b))) return
  }

  /** Any block a peer sent (see Scheduler.onBlock); a completed piece is verified and delivered. */
  onBlock (peer: Peer, piece: number, offset: number, data: Uint8Array): void {
    const done = this.scheduler.onBlock(peer, piece, offset, data)
    this.pump()
    if (done === null) return
    const ok = createHash('sha1').update(done.buf).digest().equals(this.meta.hashes[piece]!)
    if (!ok) {
      this.host.pool.release(done.buf)
      this.log.warn({ piece, peers: [...done.contributors].map(p => p.addr) }, 'piece failed its hash check')
      for (const p of done.contributors) {
        p.strikes += done.contributors.size === 1 ? MAX_STRIKES : 1
        if (p.strikes >= MAX_STRIKES) {
          // its blocks in other pieces are suspect too: start those pieces over
          this.scheduler.discardFrom(p)
          this.host.ban(p)
        }
      }
      return
    }
    this.host.countUseful(done.buf.length)
    notePieceBytes(done.buf.length)
    this.deliver(piece, done.buf)
  }

  private deliver (piece: number, buf: Buffer): void {
    const ws = this.waiters.get(piece)
    // writing first: a waiter that read the piece to its end marks it (readThrough)
    this.writing.set(piece, buf)
    this.writingBytes += buf.length
    if (ws !== undefined) for (const w of [...ws]) w(buf)
    // a prefetched piece nobody reads yet (the pins after an assign) goes to disk only: held
    // in the hot set, each kept its own buffer, and the pool could not reuse them
    const use = ws !== undefined ? 'reading' : this.scheduler.wanted(piece)?.class === 'background' ? 'cold' : 'ahead'
    this.store.write(piece, buf, use).then(stored => {
      if (!stored) { this.keepRefused(piece, buf); return }
      for (const p of this.host.peers) if (p.ready) p.wire.have(piece)
    }, err => { this.log.error({ err, piece }, 'cache write failed') })
      .finally(() => {
        // read to its end while it was written: the hot set holds it, and lets it go first
        if (this.readToEnd.delete(piece)) this.store.consumed?.(piece)
        this.writing.delete(piece)
        this.writingBytes -= buf.length
        // the waiters lent what they kept, the store retained what it keeps
        this.host.pool.release(buf)
        this.pump()
      })
  }

  /** A piece the cache refused stays readable from memory while wanted (see `refused`). */
  private keepRefused (piece: number, buf: Buffer): void {
    if (this.refused.has(piece) || !this.pinned(piece)) return
    this.host.pool.retain(buf)
    this.refused.set(piece, buf)
    this.refusedBytes += buf.length
    const max = Math.max(REFUSED_MAX, 2 * this.meta.info.pieceLength)
    for (const oldest of this.refused.keys()) {
      if (this.refusedBytes <= max) break
      this.dropRefused(oldest)
    }
  }

  /**
   * Refused pieces nobody wants any more go. Run at a pump, not at each change of the wants:
   * a reader's next read takes its window away and gives it back in the same turn.
   */
  private dropUnwanted (): void {
    for (const piece of [...this.refused.keys()]) if (!this.pinned(piece)) this.dropRefused(piece)
  }

  private dropRefused (piece: number): void {
    const buf = this.refused.get(piece)
    if (buf === undefined) return
    this.refused.delete(piece)
    this.refusedBytes -= buf.length
    this.host.pool.release(buf)
  }

  /**
   * The torrent sleeps or closed: refused pieces and pieces nobody wants any more go back to
   * the pool (an idle server holds none).
   */
  letGo (): void {
    for (const piece of [...this.refused.keys()]) this.dropRefused(piece)
    this.scheduler.dropOrphans()
  }

  onPiece (piece: number, cb: (buf: Buffer) => void): () => void {
    let set = this.waiters.get(piece)
    if (set === undefined) { set = new Set(); this.waiters.set(piece, set) }
    set.add(cb)
    return () => { set.delete(cb); if (set.size === 0 && this.waiters.get(piece) === set) this.waiters.delete(piece) }
  }

  async pieceSlice (piece: number, from: number, to: number): Promise<Buffer | null> {
    const w = this.writing.get(piece) ?? this.refused.get(piece)
    if (w !== undefined) {
      if (to >= w.length) this.readThrough(piece)
      return this.host.pool.lend(w.subarray(from, to))
    }
    return await this.store.read(piece, from, to - from)
  }

  /**
   * A read got to the end of `piece` outside the store (from its buffer while it is written):
   * the store learns it once it holds the piece, so its hot set lets it go first.
   */
  readThrough (piece: number): void {
    if (this.writing.has(piece)) this.readToEnd.add(piece)
    else this.store.consumed?.(piece)
  }

  /** Interest: we want anything the peer has that we lack (cheap scan on bitfield changes). */
  updateInterest (peer: Peer): void {
    if (!peer.ready) return
    if (!peer.wire.amInterested) {
      const n = this.meta.info.pieceCount
      let want = false
      for (let i = 0; i < n && !want; i++) if (!this.store.have.get(i) && peer.has(i)) want = true
      if (want) peer.wire.interested()
    }
    this.updateChoke(peer)
  }

  /** Simple upload slots: unchoke interested peers while fewer than UPLOAD_SLOTS are unchoked. */
  updateChoke (peer: Peer): void {
    if (!peer.ready) return
    if (peer.wire.peerInterested && peer.wire.amChoking) {
      let unchoked = 0
      for (const p of this.host.peers) if (!p.wire.amChoking) unchoked++
      if (unchoked < UPLOAD_SLOTS) peer.wire.unchoke()
    } else if (!peer.wire.peerInterested && !peer.wire.amChoking) {
      peer.wire.choke()
    }
  }

  onRequest (peer: Peer, index: number, offset: number, length: number, respond: (err: Error | null, buf?: Uint8Array) => void): void {
    if (!this.host.active()) { respond(new Error('not serving')); return }
    if (!this.store.have.get(index) || length > MAX_SERVE || offset + length > pieceSize(this.meta.info, index)) {
      respond(new Error('not available'))
      return
    }
    this.store.read(index, offset, length).then(buf => {
      if (buf === null) { respond(new Error('evicted')); return }
      // a copy: the wire and its socket may cut views of what they were given (PiecePool)
      buf = Buffer.from(buf)
      const send = (): void => {
        const wait = this.host.up.take(length)
        if (wait > 0) { this.host.later(wait, send); return }
        this.host.countUp(length)
        respond(null, buf)
      }
      send()
    }, err => { respond(err as Error) })
  }
}
