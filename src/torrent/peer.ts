// One connected peer: the bittorrent-protocol Wire, its socket, its extensions (ut_metadata,
// ut_pex, lt_donthave), and our outstanding block requests to it. Piece traffic (blocks,
// requests, bitfield/have/choke changes) goes to the torrent's Transfer; the rest (handshake
// done, closed, metadata, PEX, bans) to the session.
//
// Everything a peer sends is checked before the wire acts on it (see guardWire): a message
// that breaks the protocol gets the peer banned and disconnected, and nothing a peer sends can
// make a handler throw out of a socket event or a timer, which would end the process.
import { isIPv6 } from 'node:net'
import type { Duplex } from 'node:stream'
import type Wire from 'bittorrent-protocol'
import utMetadata from 'ut_metadata'
import utPex from 'ut_pex'
import ltDontHave from 'lt_donthave'
import type { TorrentMeta } from './metadata.ts'
import { DEFAULT_MAX_PIPELINE, INITIAL_PIPELINE, MAX_PIPELINE, MIN_PIPELINE, nextRate, pipelineBlocks, slowStart } from './pipeline.ts'
import { isDict, isExtId, maxMessageLength, messageViolation, u32 } from './wire-checks.ts'
import { installWireInput } from './wire-input.ts'
import type { TorrentInfo } from './types.ts'

/** Where a peer's piece traffic goes once the torrent's metadata is known (its Transfer). */
export interface PieceTraffic {
  /** the peer's bitfield, haves, choke or interest changed (lt_donthave included) */
  peerChanged (peer: Peer): void
  /** every block received, requested or not (one that arrives after its CANCEL can still complete a piece) */
  onBlock (peer: Peer, index: number, offset: number, data: Uint8Array): void
  /** the peer asks us for a block; `respond` sends it or refuses */
  onRequest (peer: Peer, index: number, offset: number, length: number, respond: (err: Error | null, buf?: Uint8Array) => void): void
}

/** The torrent a peer belongs to (its session). */
export interface PeerHost {
  readonly infoHash: string
  readonly peerId: Buffer
  readonly pe: number
  readonly pex: boolean
  readonly dht: boolean
  readonly listenPort: number
  /** the info dictionary once known: bounds for piece indexes, offsets and bitfields */
  readonly meta: TorrentMeta | null
  metadataBuffer (): Uint8Array | undefined
  bitfieldBuffer (): Uint8Array | undefined
  /** piece traffic goes here; null before the metadata (then blocks and requests are dropped) */
  readonly transfer: PieceTraffic | null
  onPeerReady (peer: Peer): void
  onPeerClosed (peer: Peer): void
  onMetadata (peer: Peer, torrentFile: Uint8Array): void
  onPexPeer (addr: string): void
  /** an incoming peer told its listen port (extended handshake 'p') */
  onListenAddr (peer: Peer, addr: string): void
  /** every piece payload received, wanted or not (a block that arrives after its CANCEL still cost bandwidth) */
  countPayload (n: number): void
  /** the peer broke the protocol or sent bad data: never dial it again, disconnect it */
  ban (peer: Peer, reason: string): void
}

export interface OutstandingBlock { piece: number, block: number, offset: number, length: number, sentAt: number }

const HANDSHAKE_TIMEOUT_MS = 10_000
/**
 * 'ip:port' as we dial and announce it: a dual-stack listener reports IPv4 peers as
 * '::ffff:a.b.c.d', which is the IPv4 address; other IPv6 addresses go in brackets.
 */
export function dialable (ip: string, port: number): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped !== null) return `${mapped[1]}:${port}`
  return isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`
}

export class Peer {
  /** key: piece * 4096 + block */
  readonly outstanding = new Map<number, OutstandingBlock>()
  maxOutstanding = INITIAL_PIPELINE
  /** the scheduler had more to ask this peer for than its pipeline holds */
  pipelineLimited = false
  lastReceived = Date.now()
  connectedAt = Date.now()
  ready = false
  wasReady = false
  closed = false
  strikes = 0
  /** the address we would dial for this peer (outgoing: `addr`; incoming: from 'p' if sent) */
  dialAddr: string | null
  /**
   * payload bytes received since the last tick, and an exponential average (bytes/s) over the
   * ticks that had demand: what the peer delivers when asked, which sizes its pipeline
   */
  private windowBytes = 0
  rate = 0
  /** shortest request-to-block time seen (ms): the round trip plus one block's transfer */
  minLatency = Infinity
  /**
   * ms from our handshake to theirs on a connection we dialed: the peer's round trip before
   * any block measured it (the scheduler's first latency estimate; undefined when incoming)
   */
  handshakeMs: number | undefined = undefined
  private handshakeSentAt = 0
  /** blocks asked of this peer and blocks it sent: more sent than asked is a violation */
  private blocksRequested = 0
  private blocksReceived = 0
  private pexRunning = false
  /** the socket holds writes until the next turn (corkTurn) */
  private corked = false

  constructor (readonly wire: Wire, readonly socket: Duplex, readonly addr: string, readonly outgoing: boolean, private readonly host: PeerHost) {
    this.dialAddr = outgoing ? addr : null
    const hsTimer = setTimeout(() => { this.destroy() }, HANDSHAKE_TIMEOUT_MS)
    hsTimer.unref()
    socket.on('error', () => {})
    wire.on('error', () => { this.destroy() })
    socket.once('close', () => { clearTimeout(hsTimer); this.onClose() })
    wire.once('close', () => { this.destroy() })
    wire.once('finish', () => { this.destroy() })

    const meta = host.metadataBuffer()
    wire.use(utMetadata(meta))
    if (host.pex) wire.use(utPex())
    wire.use(ltDontHave())
    this.guardWire()
    wire.extendedHandshake.v = 'momoshtrem'
    wire.extendedHandshake.p = host.listenPort
    // An incoming wire read the peer's handshake before ut_metadata was attached, so the
    // extension never learnt the info hash and would accept any metadata as complete: tell it,
    // as the wire does for outgoing peers.
    if (!outgoing) wire.ut_metadata.onHandshake(host.infoHash)
    if (meta === undefined) wire.ut_metadata.fetch()
    wire.ut_metadata.on('metadata', (buf: Uint8Array) => { host.onMetadata(this, buf) })
    wire.ut_metadata.on('warning', (err: Error) => {
      // ut_metadata asks twice, then gives up with this warning: metadata that does not hash to
      // the info hash (the others are "does not support" / "has none", which are fine)
      if (err.message === 'Peer sent invalid metadata') this.violation('metadata that does not match the info hash')
    })
    if (host.pex) {
      wire.ut_pex.on('peer', (addr: string) => { host.onPexPeer(addr) })
      wire.ut_pex.on('warning', () => {})
    }
    wire.lt_donthave.on('donthave', () => { host.transfer?.peerChanged(this) })
    wire.on('extended', (ext: string, hs: { p?: unknown }) => {
      if (ext !== 'handshake') return
      this.syncPex()
      if (!outgoing && typeof hs.p === 'number' && Number.isInteger(hs.p) && hs.p > 0 && hs.p < 65536) {
        host.onListenAddr(this, dialable(addr.slice(0, addr.lastIndexOf(':')), hs.p))
      }
    })

    const onReady = (infoHash: string = host.infoHash): void => {
      clearTimeout(hsTimer)
      if (this.closed) return
      if (wire.peerId === host.peerId.toString('hex')) { this.destroy(); return }
      if (infoHash !== host.infoHash) { this.violation(`handshake for another torrent (${infoHash})`); return }
      this.ready = true
      this.wasReady = true
      if (outgoing) this.handshakeMs = Date.now() - this.handshakeSentAt
      this.lastReceived = Date.now()
      wire.setKeepAlive(true)
      const bits = host.bitfieldBuffer()
      if (bits !== undefined) wire.bitfield(bits)
      this.syncPex()
      host.onPeerReady(this)
    }
    const update = (): void => { this.lastReceived = Date.now(); host.transfer?.peerChanged(this) }
    for (const ev of ['bitfield', 'have', 'have-all', 'unchoke', 'choke', 'interested', 'uninterested']) wire.on(ev, update)
    wire.on('keep-alive', () => { this.lastReceived = Date.now() })
    wire.on('download', (n: number) => { this.lastReceived = Date.now(); this.windowBytes += n; host.countPayload(n) })
    wire.on('piece', (index: number, offset: number, data: Uint8Array) => { host.transfer?.onBlock(this, index, offset, data) })
    wire.on('request', (index: number, offset: number, length: number, respond: (err: Error | null, buf?: Uint8Array) => void) => {
      if (host.transfer === null) respond(new Error('not serving'))
      else host.transfer.onRequest(this, index, offset, length, respond)
    })

    if (outgoing) {
      wire.once('handshake', onReady)
      if (wire._peEnabled > 0) {
        wire.once('crypto-handshake', () => { this.sendHandshake() })
        wire.startEncryption(host.infoHash)
      } else {
        this.sendHandshake()
      }
    } else {
      // incoming: the network layer already read their handshake
      this.sendHandshake()
      queueMicrotask(() => { onReady() })
    }
  }

  /**
   * Puts checks in front of the wire's parser and its extension sends (bittorrent-protocol has
   * no hooks for either, so its two parser steps are wrapped on this instance):
   * - a length prefix beyond maxMessageLength drops the peer before anything is buffered;
   * - each message is checked by messageViolation (sizes, indexes, ranges, extension ids), a
   *   PIECE nobody asked for and an extended handshake that is no dictionary drop the peer;
   * - whatever still throws while the wire or an extension handles a message (ut_metadata
   *   writes a data message at the offset the peer names) drops the peer instead of the
   *   exception escaping from the socket's data event;
   * - an extension message for an extension the peer did not advertise (its latest extended
   *   handshake, BEP 10) is not sent: Wire.extended would throw "Unrecognized extension",
   *   from ut_pex's timer or ut_metadata's retry alike.
   * Once the peer is closed, whatever is left in the wire's buffer is discarded unread.
   */
  private guardWire (): void {
    const wire = this.wire
    installWireInput(wire)
    const info = (): TorrentInfo | null => this.host.meta?.info ?? null
    const onLength = wire._onMessageLength as unknown
    const onMessage = wire._onMessage as unknown
    const send = wire.extended as (ext: number | string, obj: unknown) => void
    // these are bittorrent-protocol internals (5.x): a version without them must fail loudly,
    // not leave every peer unchecked
    if (typeof onLength !== 'function' || typeof onMessage !== 'function') throw new Error('bittorrent-protocol: Wire._onMessageLength/_onMessage not found, the peer guard cannot be installed')
    wire._onMessageLength = (buf: Uint8Array): void => {
      if (this.closed) return
      const length = u32(buf, 0)
      if (length > maxMessageLength(info())) { this.violation(`message length ${length}`); return }
      onLength.call(wire, buf)
    }
    wire._onMessage = (buf: Uint8Array): void => {
      if (this.closed) return
      const bad = messageViolation(buf, info(), wire.extendedMapping) ??
        (buf[0] === 7 && ++this.blocksReceived > this.blocksRequested ? 'a block we never requested' : null)
      if (bad !== null) { this.violation(bad); return }
      const before = wire.peerExtendedHandshake
      try {
        onMessage.call(wire, buf)
      } catch (err) {
        this.violation(`message ${buf[0]} could not be handled: ${(err as Error).message}`)
        return
      }
      const isHandshake = buf[0] === 20 && buf[1] === 0
      // the wire ignores a handshake it cannot decode, and keeps one that is no dictionary
      if (isHandshake && (wire.peerExtendedHandshake === before || !isDict(wire.peerExtendedHandshake))) this.violation('extended handshake is not a bencoded dictionary')
    }
    wire.extended = (ext: number | string, obj: unknown): void => {
      if (typeof ext === 'string' && !isExtId(wire.peerExtendedMapping[ext])) return
      send.call(wire, ext, obj)
    }
  }

  /** PEX runs with a ready peer whose latest extended handshake lists ut_pex, and only then. */
  private syncPex (): void {
    if (!this.host.pex || this.closed) return
    const on = this.ready && isExtId(this.wire.peerExtendedMapping.ut_pex)
    if (on && !this.pexRunning) this.wire.ut_pex.start()
    if (!on && this.pexRunning) this.wire.ut_pex.stop()
    this.pexRunning = on
  }

  /** Requests a block, counted: a peer never sends more blocks than it was asked for. */
  request (piece: number, offset: number, length: number, cb: (err: Error | null) => void): void {
    this.corkTurn()
    const before = this.wire.requests.length
    this.wire.request(piece, offset, length, cb)
    if (this.wire.requests.length > before) this.blocksRequested++
  }

  /**
   * CANCEL of a block the scheduler already forgot (Scheduler.unrecord). Wire.cancel built an
   * Error (a stack trace) for the request's callback, whose only effect here was a release the
   * scheduler had done and one more pump: 2 % of the CPU of a sequential read at full speed,
   * where every block of an urgent piece duplicated near its end is cancelled at the other peer.
   */
  cancel (piece: number, offset: number, length: number): void {
    const w = this.wire as unknown as { requests: Array<{ piece: number, offset: number, length: number }>, _message: (id: number, numbers: number[], data: null) => void }
    if (!Array.isArray(w.requests) || typeof w._message !== 'function') { this.wire.cancel(piece, offset, length); return }
    const i = w.requests.findIndex((r) => r.piece === piece && r.offset === offset && r.length === length)
    if (i >= 0) w.requests.splice(i, 1)
    this.corkTurn()
    w._message(8, [piece, offset, length], null)
  }

  /**
   * Holds the socket's writes until the next turn of the event loop: the requests of one pump
   * (up to a pipeline of them, 17 bytes each) leave in one write instead of one system call
   * each, which was a third of the engine's CPU at full speed. The wire hands its messages to
   * the socket in a microtask, so the socket is uncorked in setImmediate, after those ran.
   */
  private corkTurn (): void {
    if (this.corked || this.closed) return
    const s = this.socket as Duplex & { cork?: () => void, uncork?: () => void }
    if (typeof s.cork !== 'function' || typeof s.uncork !== 'function') return
    this.corked = true
    s.cork()
    setImmediate(() => { this.corked = false; s.uncork!() })
  }

  /** The peer broke the protocol: banned and disconnected, whatever it sends next is ignored. */
  private violation (reason: string): void {
    if (this.closed) return
    this.host.ban(this, `protocol violation: ${reason}`)
    this.destroy()
  }

  private sendHandshake (): void {
    if (this.closed) return
    this.handshakeSentAt = Date.now()
    this.wire.handshake(this.host.infoHash, this.host.peerId, { dht: this.host.dht })
  }

  /**
   * A requested block arrived `ms` after its REQUEST went out. Slow start: while the pipeline
   * is what limits us (`pipelineLimited`, set by the scheduler), a block that waited no longer
   * than the round trip allows saw no queue at the peer, so the peer could take more: one slot
   * more per such block doubles the pipeline every round trip (the tick alone grows it every
   * 500 ms: 2.5 s to fill a 50 ms round trip).
   */
  sampleLatency (ms: number): void {
    if (!(ms >= 0)) return
    if (ms < this.minLatency) this.minLatency = ms
    if (this.pipelineLimited) this.maxOutstanding = slowStart(this.maxOutstanding, ms, this.minLatency, this.maxPipeline())
  }

  /**
   * Rolls the byte counter into `rate` (bytes/s) and sizes the request pipeline to the rate
   * times two round trips plus QUEUE_MARGIN_MS. While the pipeline is what limits a peer
   * (rate = pipeline / round trip) this doubles it every tick; once the peer's own bandwidth
   * is the limit, the queue at the peer stays near one round trip plus the margin. Shrinking
   * is gradual, and a tick without demand changes nothing, so a pause (the player paused,
   * the next seek a minute away) does not throw away what was learnt.
   */
  tick (ms: number): void {
    const idle = this.windowBytes === 0 && this.outstanding.size === 0
    this.rate = nextRate(this.rate, this.windowBytes, ms, idle)
    this.windowBytes = 0
    if (!idle && Number.isFinite(this.minLatency)) this.maxOutstanding = pipelineBlocks(this.rate, this.minLatency, this.maxOutstanding, this.maxPipeline())
  }

  /** The most requests this peer takes: its `reqq` (BEP 10) within [MIN_PIPELINE, MAX_PIPELINE], else the default. */
  private maxPipeline (): number {
    const reqq = this.wire.peerExtendedHandshake.reqq
    return typeof reqq === 'number' && Number.isFinite(reqq) ? Math.max(MIN_PIPELINE, Math.min(MAX_PIPELINE, Math.floor(reqq))) : DEFAULT_MAX_PIPELINE
  }

  has (index: number): boolean { return this.wire.peerPieces.get(index) }
  get canRequest (): boolean { return this.ready && !this.closed && !this.wire.peerChoking }

  destroy (): void {
    if (this.closed) return
    this.socket.destroy()
    this.wire.destroy()
    this.onClose()
  }

  private onClose (): void {
    if (this.closed) return
    this.closed = true
    this.ready = false
    if (this.host.pex) this.wire.ut_pex?.reset()
    this.wire.setKeepAlive(false)
    this.wire.destroy()
    this.socket.destroy()
    this.host.onPeerClosed(this)
  }
}
