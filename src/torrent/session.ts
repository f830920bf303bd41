// One torrent: its state machine (metadata -> active <-> idle/paused), and the Torrent
// interface (readers, reads, prefetch, stats). It owns its Swarm (connections, dialing,
// remembered peers), its discovery, and once the metadata is in, its Transfer (piece traffic,
// which peers send to it directly). It is the host of its peers for everything else.
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
import type Wire from 'bittorrent-protocol'
import { ClosedError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { EngineContext } from './context.ts'
import { PeerDiscovery } from './discovery.ts'
import { parseMagnet } from './magnet.ts'
import { parseMeta, type TorrentMeta } from './metadata.ts'
import type { IncomingTarget } from './network.ts'
import { Peer, type PeerHost } from './peer.ts'
import type { TorrentRecord } from './persistence.ts'
import { Prefetch, Reader, readFileRange, type ReadHost } from './reads.ts'
import type { WantSource } from './scheduler.ts'
import { torrentStats } from './stats.ts'
import { Swarm } from './swarm.ts'
import { Transfer } from './transfer.ts'
import { peerInfo, pieceMap } from './piece-map.ts'
import type { FileReader, PeerInfo, PiecePriority, PrefetchHandle, PrefetchOptions, ReadOptions, ReaderOptions, Torrent, TorrentInfo, TorrentState, TorrentStats } from './types.ts'

/** remembered peers are saved at most this often (ticks of TICK_MS) when they changed */
const SAVE_EVERY_TICKS = 60

export class TorrentSession implements Torrent, ReadHost, PeerHost, IncomingTarget {
  state: TorrentState = 'paused'
  closed = false
  meta: TorrentMeta | null = null
  transfer: Transfer | null = null
  readonly swarm: Swarm
  readonly addedAt: Date
  private readonly discovery: PeerDiscovery
  private readonly metaWait: { promise: Promise<void>, resolve: () => void, reject: (err: Error) => void }
  private readonly pendingReads = new Set<(err: Error) => void>()
  private readonly readerSet = new Set<Reader>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private metaLoading = false
  private ticksSinceSave = 0
  private ticks = 0

  constructor (readonly ctx: EngineContext, readonly infoHash: string, readonly record: TorrentRecord, readonly log: Logger) {
    this.addedAt = new Date(record.addedAt)
    this.swarm = new Swarm(ctx, {
      wantsPeers: () => this.state === 'active' || this.state === 'metadata',
      newPeer: (wire, socket, addr, outgoing) => new Peer(wire, socket, addr, outgoing, this),
      requestTimedOut: (peer, piece, offset) => { this.transfer?.scheduler.release(peer, piece, offset, true) }
    }, log, record)
    // a runtime add and a load at startup alike: the magnet's x.pe hints are dialable peers
    for (const addr of magnetHints(record.magnet, ctx.cfg.max_peer_hints, log)) this.swarm.addAddr(addr, 'magnet')
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
    }, (addr) => { this.swarm.addAddr(addr, 'discovery'); this.swarm.maintain() }, log)
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
    const store = await this.ctx.cache.open(meta, {
      isPinned: i => this.transfer?.pinned(i) ?? false,
      evicted: i => { this.transfer?.evicted(i) }
    })
    if (this.closed) return
    this.meta = meta
    const swarm = this.swarm
    this.transfer = new Transfer(meta, store, {
      peers: swarm.peers,
      down: this.ctx.down,
      up: this.ctx.up,
      pool: this.ctx.pool,
      active: () => this.state === 'active' && !this.closed,
      ban: peer => { swarm.ban(peer) },
      countUseful: n => { swarm.countUseful(n) },
      countUp: n => { swarm.countUp(n) },
      later: (ms, fn) => { this.later(ms, fn) }
    }, this.log)
    for (const p of swarm.peers) {
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
      this.swarm.maintain()
    } else if (paused) {
      this.sleep('paused')
    } else {
      this.wake()
    }
  }

  /** ut_metadata delivered an info dictionary (several peers may deliver it concurrently). */
  onMetadata (_peer: Peer, torrentFile: Uint8Array): void { void this.takeMetadata(torrentFile) }

  /** Stores and attaches the metadata; never rejects (failures are logged). */
  private async takeMetadata (torrentFile: Uint8Array): Promise<void> {
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
    const r = new Reader(this, file, opts.readaheadBytes, reader => {
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

  pieceMap (): string {
    return this.transfer === null ? '' : pieceMap(this.transfer.pieceStates())
  }

  peers (): PeerInfo[] {
    const count = this.meta?.info.pieceCount ?? 0
    return [...this.swarm.peers].filter((p) => p.ready).map((p) => peerInfo(p, count))
  }

  stats (): TorrentStats {
    return torrentStats({
      infoHash: this.infoHash,
      state: this.state,
      info: this.meta?.info ?? null,
      store: this.transfer?.store ?? null,
      swarm: this.swarm,
      addedAt: this.addedAt,
      lastActivity: this.ctx.activity.lastActivity(this.infoHash),
      ticks: this.ticks
    })
  }

  // ---- ReadHost ----

  touch (): void {
    this.ctx.activity.markActive(this.infoHash)
    if (this.state === 'idle' || this.state === 'paused') this.wake()
  }

  addSource (src: WantSource): void { this.changeSources(() => this.transfer?.scheduler.sources.add(src)) }
  removeSource (src: WantSource): void { this.changeSources(() => this.transfer?.scheduler.sources.delete(src)) }
  private changeSources (fn: () => void): void {
    fn()
    this.transfer?.scheduler.invalidate()
    this.transfer?.pump()
  }

  async pieceSlice (piece: number, from: number, to: number): Promise<Buffer | null> {
    const data = await (this.transfer?.pieceSlice(piece, from, to) ?? Promise.resolve(null))
    if (data === null) this.transfer?.pump() // evicted or corrupt: request it now
    return data
  }

  lend (view: Buffer): Buffer { return this.ctx.pool.lend(view) }

  onPiece (piece: number, cb: (buf: Buffer) => void): () => void { return this.transfer?.onPiece(piece, cb) ?? (() => {}) }

  readThrough (piece: number): void { this.transfer?.readThrough(piece) }

  track (abort: (err: Error) => void): () => void {
    this.pendingReads.add(abort)
    return () => { this.pendingReads.delete(abort) }
  }

  hasPendingReads (): boolean { return this.pendingReads.size > 0 }

  readaheadCap (): number {
    const pl = this.meta?.info.pieceLength ?? 0
    return Math.max(pl, Math.floor(this.ctx.cache.limit / 2 / Math.max(1, this.ctx.readers.size)))
  }

  // ---- PeerHost (piece traffic goes to the Transfer directly) ----

  get peerId (): Buffer { return this.ctx.peerId }
  get pe (): number { return this.ctx.network.pe }
  get pex (): boolean { return this.ctx.cfg.pex }
  get dht (): boolean { return this.ctx.cfg.dht }
  get listenPort (): number { return this.ctx.network.port }
  metadataBuffer (): Uint8Array | undefined { return this.meta?.infoBuffer }
  bitfieldBuffer (): Uint8Array | undefined {
    const have = this.transfer?.store.have
    return have !== undefined && have.count() > 0 ? have.buffer : undefined
  }

  onPeerReady (peer: Peer): void {
    this.swarm.onPeerReady(peer)
    this.transfer?.peerChanged(peer)
  }

  onPeerClosed (peer: Peer): void {
    this.transfer?.scheduler.dropPeer(peer)
    this.swarm.onPeerClosed(peer)
    this.transfer?.pump()
  }

  onPexPeer (addr: string): void { this.swarm.onPexPeer(addr) }
  onListenAddr (peer: Peer, addr: string): void { this.swarm.onListenAddr(peer, addr) }
  countPayload (n: number): void { this.swarm.countPayload(n) }
  ban (peer: Peer, reason: string): void { this.swarm.ban(peer, reason) }

  // ---- IncomingTarget ----

  acceptsIncoming (): boolean { return !this.closed && (this.state === 'active' || this.state === 'metadata') }

  attachIncoming (wire: Wire, socket: Duplex, remote: string): void {
    if (!this.swarm.hasRoom()) { socket.destroy(); return }
    this.swarm.attach(new Peer(wire, socket, remote, false, this))
  }

  // ---- lifecycle ----

  /** Runs `fn` after `ms` unless the torrent closed meanwhile. */
  later (ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); if (!this.closed) fn() }, ms)
    this.timers.add(t)
  }

  /** Periodic work (service timer): rates, request timeouts, dialing, endgame stealing. */
  tick (): void {
    if (this.closed) return
    this.ticks++
    this.swarm.tick()
    if (this.swarm.recordDirty && this.meta !== null && ++this.ticksSinceSave >= SAVE_EVERY_TICKS) {
      this.swarm.recordDirty = false
      this.ticksSinceSave = 0
      void this.ctx.persistence.saveRecord(this.infoHash, this.snapshotRecord()).catch(() => {})
    }
    if (this.transfer !== null) {
      for (const p of this.swarm.peers) this.transfer.updateChoke(p)
      this.transfer.pump()
    }
  }

  /** idle/paused: every wire closed, discovery stopped, peers remembered (and saved). */
  sleep (kind: 'idle' | 'paused'): void {
    if (this.closed || (this.state === 'metadata' && kind === 'idle')) return
    this.state = kind
    this.discovery.stop()
    this.swarm.disconnect()
    this.transfer?.letGo()
    this.log.info({ state: kind }, 'torrent sleeping')
    if (this.meta !== null) void this.ctx.persistence.saveRecord(this.infoHash, this.snapshotRecord()).catch(() => {})
  }

  /** Active again: remembered peers dialed at once, discovery restarted. */
  wake (): void {
    if (this.closed) return
    this.state = 'active'
    this.discovery.start()
    this.swarm.wake()
  }

  /** Ends everything; pending reads reject with ClosedError. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.discovery.stop()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.swarm.close()
    this.metaWait.reject(new ClosedError('torrent closed'))
    for (const abort of [...this.pendingReads]) abort(new ClosedError('torrent closed'))
    for (const r of [...this.readerSet]) r.close()
    this.transfer?.letGo()
    this.ctx.network.unregister(this.infoHash)
    if (this.meta !== null) await this.ctx.persistence.saveRecord(this.infoHash, this.snapshotRecord()).catch(() => {})
  }

  /** The record with this run's peers merged over the remembered ones (Swarm.snapshot). */
  snapshotRecord (): TorrentRecord { return { ...this.record, ...this.swarm.snapshot() } }
}

export type { TorrentState }

/** The magnet's x.pe hints, at most `max` (the rest are logged as dropped); none when it no longer parses. */
function magnetHints (magnetUri: string, max: number, log: Logger): string[] {
  let peers: string[]
  try { peers = parseMagnet(magnetUri).peers } catch { return [] }
  if (peers.length > max) log.info({ kept: max, dropped: peers.length - max }, 'magnet peer hints over torrent.max_peer_hints dropped')
  return peers.slice(0, max)
}
