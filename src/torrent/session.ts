// One torrent: its state machine (metadata -> active <-> idle/paused), its peers and dialing,
// discovery, and the Torrent interface (readers, reads, prefetch, stats).
//
// States and the exact semantics of idle / start_paused:
// - 'metadata': added without persisted metadata; dials magnet peer hints (x.pe), remembered
//   peers and discovery to fetch the info dictionary through ut_metadata (even when
//   start_paused). Once metadata is in, the torrent is 'active': it was added at runtime (an
//   assignment), which is followed by a play or a library scan, and its connections are what
//   makes that first read fast; idle_timeout puts it to sleep if nobody reads.
// - 'active': connections allowed, discovery announcing, pieces requested only when wanted.
// - 'idle' (nobody read for idle_timeout) and 'paused' (loaded at startup with start_paused
//   and not read since): every wire closed, discovery destroyed,
//   incoming connections refused: zero bytes either way. Known peers are remembered.
// - Any read / openReader / prefetch of an idle or paused torrent makes it 'active' at once:
//   remembered peers are dialed immediately (backoff reset), discovery restarts.
//
// Peers known at load: the remembered ones and the stored magnet's x.pe hints. Both survive
// restarts: a peer is dropped from the record only once proven dead (PeerBook), never because
// it was not seen in this run (a start_paused torrent sees nobody until it is read).
import type { Duplex } from 'node:stream'
import Wire from 'bittorrent-protocol'
import { ClosedError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { EngineContext } from './context.ts'
import { PeerDiscovery } from './discovery.ts'
import { parseMagnet } from './magnet.ts'
import { parseMeta, type TorrentMeta } from './metadata.ts'
import type { IncomingTarget } from './network.ts'
import { Peer, type PeerHost } from './peer.ts'
import { PeerBook, type TorrentRecord } from './persistence.ts'
import { Prefetch, Reader, readFileRange, type ReadHost } from './reads.ts'
import type { WantSource } from './scheduler.ts'
import { Transfer, type TransferHost } from './transfer.ts'
import type { FileReader, PiecePriority, PrefetchHandle, PrefetchOptions, ReadOptions, ReaderOptions, Torrent, TorrentInfo, TorrentState, TorrentStats } from './types.ts'
import { SessionPeers } from './session-peers.ts'
import { sessionStats } from './stats.ts'

/** remembered peers are saved at most this often (ticks of TICK_MS) when they changed */
const SAVE_EVERY_TICKS = 60

export class TorrentSession extends SessionPeers implements Torrent, PeerHost, TransferHost, IncomingTarget, ReadHost {
  meta: TorrentMeta | null = null
  transfer: Transfer | null = null
  readonly addedAt: Date
  private readonly metaWait: { promise: Promise<void>, resolve: () => void, reject: (err: Error) => void }
  private readonly pendingReads = new Set<(err: Error) => void>()
  private readonly readerSet = new Set<Reader>()
  private metaLoading = false
  private ticksSinceSave = 0
  private readonly peerBook: PeerBook

  constructor (ctx: EngineContext, infoHash: string, readonly record: TorrentRecord, log: Logger) {
    super(ctx, infoHash, log)
    this.peerBook = new PeerBook(record)
    this.addedAt = new Date(record.addedAt)
    for (const addr of record.peers) this.addAddr(addr, 'remembered')
    for (const addr of magnetHints(record.magnet, ctx.cfg.max_peer_hints)) this.addAddr(addr, 'magnet')
    let resolve!: () => void
    let reject!: (err: Error) => void
    const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej })
    promise.catch(() => {})
    this.metaWait = { promise, resolve, reject }
    this.discovery = new PeerDiscovery({
      infoHash,
      peerId: ctx.peerId,
      port: ctx.network.port,
      trackers: [...ctx.cfg.trackers, ...record.trackers],
      maxTrackers: ctx.cfg.max_trackers,
      dht: ctx.network.dht,
      lsd: ctx.cfg.lsd
    }, (addr) => { this.addAddr(addr, 'discovery'); this.maintain() }, log)
    ctx.network.register(infoHash, this)
  }

  get info (): TorrentInfo {
    if (this.meta === null) throw new Error('metadata not available yet')
    return this.meta.info
  }

  get readTimeoutMs (): number { return this.ctx.cfg.read_timeout * 1000 }
  whenReady (): Promise<void> { return this.metaWait.promise }

  /** Attaches metadata (persisted or just fetched) and opens the piece store. */
  async loadMeta (meta: TorrentMeta): Promise<void> {
    if (this.meta !== null) return
    const store = await this.ctx.cache.open(meta)
    if (this.closed) return
    this.meta = meta
    this.transfer = new Transfer(meta, store, this, this.log)
    for (const p of this.peers) {
      void p.wire.ut_metadata?.setMetadata(meta.infoBuffer)
      this.transfer.updateInterest(p)
    }
    this.metaWait.resolve()
  }

  /** Starts the torrent: fetches metadata if missing, else active or paused per `paused`. */
  begin (paused: boolean): void {
    if (this.meta === null) {
      this.state = 'metadata'
      this.discovery.start()
      this.maintain()
    } else if (paused) {
      this.sleep('paused')
    } else {
      this.wake()
    }
  }

  /** ut_metadata delivered an info dictionary (several peers may deliver it concurrently). */
  async onMetadata (_peer: Peer, torrentFile: Uint8Array): Promise<void> {
    if (this.meta !== null || this.closed || this.metaLoading) return
    this.metaLoading = true
    try {
      let meta: TorrentMeta
      try { meta = await parseMeta(torrentFile, this.infoHash) } catch (err) {
        this.log.warn({ err }, 'peer sent unusable metadata')
        return
      }
      if (this.closed) return
      await this.ctx.persistence.saveMeta(this.infoHash, meta.torrentFile)
      await this.ctx.persistence.saveRecord(this.infoHash, this.snapshotRecord())
      await this.loadMeta(meta)
      if (this.closed) return
      this.log.info({ name: meta.info.name, pieces: meta.info.pieceCount }, 'metadata received')
      this.state = 'active'
      this.transfer?.pump()
    } catch (err) {
      this.log.error({ err }, 'metadata could not be stored')
    } finally { this.metaLoading = false }
  }

  failMetadata (err: Error): void { this.metaWait.reject(err) }

  // ---- Torrent ----

  openReader (fileIndex: number, opts: ReaderOptions = {}): FileReader {
    const file = this.fileAt(fileIndex)
    if (this.closed) throw new ClosedError('torrent closed')
    this.touch()
    const r = new Reader(this, file, opts.readaheadBytes ?? this.ctx.readaheadBytes, reader => {
      this.readerSet.delete(reader)
      this.ctx.readers.delete(reader)
    })
    this.readerSet.add(r)
    this.ctx.readers.add(r)
    return r
  }

  async read (fileIndex: number, offset: number, length: number, opts?: ReadOptions): Promise<Buffer> {
    if (this.closed) throw new ClosedError('torrent closed')
    return await readFileRange(this, this.fileAt(fileIndex), offset, length, opts)
  }

  /**
   * Keeps [offset, offset+length) of a file wanted at `priority` (pinned in the cache) until
   * the handle is released. The hook for a prioritiser: head/tail of opened files, next episode.
   * `wake: false` pins without waking an idle/paused torrent (the streaming layer's startup pins).
   */
  prefetch (fileIndex: number, offset: number, length: number, priority: PiecePriority = 'background', opts: PrefetchOptions = {}): PrefetchHandle {
    const file = this.fileAt(fileIndex)
    if (this.closed) throw new ClosedError('torrent closed')
    if (opts.wake !== false) this.touch()
    return new Prefetch(this, file, offset, length, priority)
  }

  private fileAt (fileIndex: number): TorrentInfo['files'][number] {
    const file = this.info.files[fileIndex]
    if (!Number.isInteger(fileIndex) || file === undefined) throw new RangeError(`no file ${fileIndex} in torrent ${this.infoHash}`)
    return file
  }

  stats (): TorrentStats { return sessionStats(this) }

  // ---- ReadHost ----

  touch (): void {
    this.ctx.activity.markActive(this.infoHash)
    if (this.state === 'idle' || this.state === 'paused') this.wake()
  }

  addSource (src: WantSource): void { this.changeSources(() => this.transfer?.scheduler.sources.add(src)) }
  removeSource (src: WantSource): void { this.changeSources(() => this.transfer?.scheduler.sources.delete(src)) }
  private changeSources (fn: () => void): void {
    fn()
    this.transfer?.clearSkipped()
    this.transfer?.scheduler.invalidate()
    this.transfer?.pump()
  }

  async pieceSlice (piece: number, from: number, to: number): Promise<Buffer | null> {
    const data = await (this.transfer?.pieceSlice(piece, from, to) ?? Promise.resolve(null))
    if (data === null) this.transfer?.pump() // evicted or corrupt: request it now
    return data
  }

  onPiece (piece: number, cb: (buf: Buffer) => void): () => void { return this.transfer?.onPiece(piece, cb) ?? (() => {}) }

  track (abort: (err: Error) => void): () => void {
    this.pendingReads.add(abort)
    return () => { this.pendingReads.delete(abort) }
  }

  hasPendingReads (): boolean { return this.pendingReads.size > 0 }

  readaheadCap (): number {
    const pl = this.meta?.info.pieceLength ?? 0
    return Math.max(pl, Math.floor(this.ctx.cache.limit / 2 / Math.max(1, this.ctx.readers.size)))
  }

  // ---- PeerHost / TransferHost glue ----

  metadataBuffer (): Uint8Array | undefined { return this.meta?.infoBuffer }
  bitfieldBuffer (): Uint8Array | undefined {
    const have = this.transfer?.store.have
    return have !== undefined && have.count() > 0 ? have.buffer : undefined
  }

  override onPeerReady (peer: Peer): void {
    super.onPeerReady(peer)
    this.peerBook.connected(peer.addr)
    this.transfer?.updateInterest(peer)
    this.transfer?.pump()
  }

  override onListenAddr (peer: Peer, addr: string): void {
    super.onListenAddr(peer, addr)
    if (peer.dialAddr === addr) this.peerBook.connected(addr)
  }

  override ban (...args: Parameters<SessionPeers['ban']>): void {
    const peer = args[0]
    this.peerBook.ban(peer.dialAddr ?? peer.addr)
    super.ban(...args)
  }

  onPeerUpdate (peer: Peer): void {
    this.transfer?.updateInterest(peer)
    this.transfer?.pump()
  }

  /** dead peers are told from ones merely not seen in this run by their failed dials */
  protected override onDialFailed (addr: string): void { this.peerBook.failed(addr) }

  override onPeerClosed (peer: Peer): void {
    // a peer we dialed that dropped us before the handshake (while we wanted it) is a failed dial
    if (peer.outgoing && !peer.wasReady && this.acceptsIncoming()) this.peerBook.failed(peer.addr)
    this.transfer?.scheduler.dropPeer(peer)
    super.onPeerClosed(peer)
    this.transfer?.pump()
  }

  onBlock (peer: Peer, index: number, offset: number, data: Uint8Array): void {
    this.transfer?.onBlock(peer, index, offset, data)
  }

  onPeerRequest (peer: Peer, index: number, offset: number, length: number, respond: (err: Error | null, buf?: Uint8Array) => void): void {
    if (this.transfer === null || this.state !== 'active') { respond(new Error('not serving')); return }
    this.transfer.serve(peer, index, offset, length, respond)
  }

  protected onRequestTimeout (peer: Peer, piece: number, offset: number): void {
    this.transfer?.scheduler.release(peer, piece, offset, true)
  }

  active (): boolean { return this.state === 'active' && !this.closed }

  attachIncoming (wire: Wire, socket: Duplex, remote: string): void {
    if (this.peers.size >= this.ctx.cfg.max_connections_per_torrent) { socket.destroy(); return }
    this.peers.add(new Peer(wire, socket, remote, false, this))
  }

  /** Periodic work (service timer): rates, request timeouts, dialing, endgame stealing. */
  tick (): void {
    if (this.closed) return
    this.tickPeers()
    if (this.recordDirty && this.meta !== null && ++this.ticksSinceSave >= SAVE_EVERY_TICKS) {
      this.recordDirty = false
      this.ticksSinceSave = 0
      void this.ctx.persistence.saveRecord(this.infoHash, this.snapshotRecord()).catch(() => {})
    }
    if (this.transfer !== null) {
      for (const p of this.peers) this.transfer.updateChoke(p)
      this.transfer.pump()
    }
  }

  /** Ends everything; pending reads reject with ClosedError. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closeNetwork()
    this.metaWait.reject(new ClosedError('torrent closed'))
    for (const abort of [...this.pendingReads]) abort(new ClosedError('torrent closed'))
    for (const r of [...this.readerSet]) r.close()
    this.ctx.network.unregister(this.infoHash)
    if (this.meta !== null) await this.ctx.persistence.saveRecord(this.infoHash, this.snapshotRecord()).catch(() => {})
  }

  /**
   * The record with this run's connections merged over the remembered peers. Failure counts
   * are saved with it (at the next save for a change of peers, sleep or close): a crash loses
   * some, which only delays forgetting a dead peer.
   */
  snapshotRecord (): TorrentRecord {
    return { ...this.record, ...this.peerBook.snapshot(this.rememberedPeers()) }
  }

  override sleep (kind: 'idle' | 'paused'): void {
    if (this.state === 'metadata' && kind === 'idle') return
    super.sleep(kind)
    if (this.meta !== null) void this.ctx.persistence.saveRecord(this.infoHash, this.snapshotRecord()).catch(() => {})
  }
}

export type { TorrentState }

/** The stored magnet's x.pe hints (at most `max`); none when it no longer parses. */
function magnetHints (magnetUri: string, max: number): string[] {
  try { return parseMagnet(magnetUri).peers.slice(0, max) } catch { return [] }
}
