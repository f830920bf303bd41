// One connected peer: the bittorrent-protocol Wire, its socket, its extensions (ut_metadata,
// ut_pex, lt_donthave), and our outstanding block requests to it. Events go to the session.
import type { Duplex } from 'node:stream'
import type Wire from 'bittorrent-protocol'
import utMetadata from 'ut_metadata'
import utPex from 'ut_pex'
import ltDontHave from 'lt_donthave'
import { BLOCK } from './metadata.ts'

export interface PeerHost {
  readonly infoHash: string
  readonly peerId: Buffer
  readonly pe: number
  readonly pex: boolean
  readonly dht: boolean
  readonly listenPort: number
  metadataBuffer (): Uint8Array | undefined
  bitfieldBuffer (): Uint8Array | undefined
  onPeerReady (peer: Peer): void
  onPeerClosed (peer: Peer): void
  onPeerUpdate (peer: Peer): void
  onPeerRequest (peer: Peer, index: number, offset: number, length: number, respond: (err: Error | null, buf?: Uint8Array) => void): void
  /** every block received, requested or not (one that arrives after its CANCEL can still complete a piece) */
  onBlock (peer: Peer, index: number, offset: number, data: Uint8Array): void
  onMetadata (peer: Peer, torrentFile: Uint8Array): void
  onPexPeer (addr: string): void
  /** an incoming peer told its listen port (extended handshake 'p') */
  onListenAddr (peer: Peer, addr: string): void
  /** every piece payload received, wanted or not (a block that arrives after its CANCEL still cost bandwidth) */
  countPayload (n: number): void
}

export interface OutstandingBlock { piece: number, block: number, offset: number, length: number, sentAt: number }

const HANDSHAKE_TIMEOUT_MS = 10_000
/** before the first block told us the peer's round trip */
const INITIAL_PIPELINE = 4
const MIN_PIPELINE = 2
/**
 * Most requests kept at a peer that did not say how many it queues (BEP 10 `reqq`; 250 is
 * libtorrent's default). A peer that did is held to its own figure, up to MAX_PIPELINE:
 * Transmission says 512, and answers ~400 ms after a request even on loopback, so 256 blocks
 * capped it at 10 MiB/s.
 */
export const DEFAULT_MAX_PIPELINE = 256
const MAX_PIPELINE = 1024
/**
 * Queue kept at a peer beyond two round trips. Blocks a peer has queued cannot be recalled
 * (a throttled client has already read them into its send buffer, CANCEL arrives too late),
 * so everything requested from a peer is a FIFO commitment: the deeper its queue, the longer
 * the next urgent (seek) request waits behind stale read-ahead.
 */
const QUEUE_MARGIN_MS = 20

/**
 * Blocks to keep requested from a peer delivering `rate` bytes/s whose shortest
 * request-to-block time is `latencyMs`: rate x (2 x latency + QUEUE_MARGIN_MS), within
 * [MIN_PIPELINE, max]; growth is immediate, shrinking at most 10 % per call.
 */
export function pipelineBlocks (rate: number, latencyMs: number, current: number, max = DEFAULT_MAX_PIPELINE): number {
  const target = Math.ceil(rate * (2 * latencyMs + QUEUE_MARGIN_MS) / 1000 / BLOCK)
  const next = target >= current ? target : Math.max(target, Math.floor(current * 0.9))
  return Math.max(MIN_PIPELINE, Math.min(max, next))
}

/**
 * A peer's delivery rate after a tick of `ms` in which `bytes` arrived: half the old estimate,
 * half the new sample. An `idle` tick (nothing asked, nothing received) is no sample at all.
 */
export function nextRate (rate: number, bytes: number, ms: number, idle: boolean): number {
  return idle ? rate : rate * 0.5 + (bytes * 1000 / ms) * 0.5
}

/**
 * Slow start, for a peer whose pipeline is full while more is wanted from it: a block that
 * waited at most 1.5 x the shortest request-to-block time plus half the margin found no queue
 * at the peer, so the pipeline gets one more slot (up to `max`).
 */
export function slowStart (current: number, latencyMs: number, minLatencyMs: number, max = DEFAULT_MAX_PIPELINE): number {
  return latencyMs <= minLatencyMs * 1.5 + QUEUE_MARGIN_MS / 2 ? Math.min(max, current + 1) : current
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
    wire.extendedHandshake.v = 'momoshtrem'
    wire.extendedHandshake.p = host.listenPort
    if (meta === undefined) wire.ut_metadata.fetch()
    wire.ut_metadata.on('metadata', (buf: Uint8Array) => { host.onMetadata(this, buf) })
    wire.ut_metadata.on('warning', () => {})
    if (host.pex) {
      wire.ut_pex.on('peer', (addr: string) => { host.onPexPeer(addr) })
      wire.ut_pex.on('warning', () => {})
    }
    wire.lt_donthave.on('donthave', () => { host.onPeerUpdate(this) })
    if (!outgoing) {
      wire.on('extended', (ext: string, hs: { p?: unknown }) => {
        const ip = addr.slice(0, addr.lastIndexOf(':'))
        if (ext === 'handshake' && typeof hs.p === 'number' && hs.p > 0 && hs.p < 65536) host.onListenAddr(this, `${ip}:${hs.p}`)
      })
    }

    const onReady = (): void => {
      clearTimeout(hsTimer)
      if (wire.peerId === host.peerId.toString('hex')) { this.destroy(); return }
      this.ready = true
      this.wasReady = true
      this.lastReceived = Date.now()
      wire.setKeepAlive(true)
      const bits = host.bitfieldBuffer()
      if (bits !== undefined) wire.bitfield(bits)
      if (host.pex) wire.ut_pex.start()
      host.onPeerReady(this)
    }
    const update = (): void => { this.lastReceived = Date.now(); host.onPeerUpdate(this) }
    for (const ev of ['bitfield', 'have', 'have-all', 'unchoke', 'choke', 'interested', 'uninterested']) wire.on(ev, update)
    wire.on('keep-alive', () => { this.lastReceived = Date.now() })
    wire.on('download', (n: number) => { this.lastReceived = Date.now(); this.windowBytes += n; host.countPayload(n) })
    wire.on('piece', (index: number, offset: number, data: Uint8Array) => { host.onBlock(this, index, offset, data) })
    wire.on('request', (index: number, offset: number, length: number, respond: (err: Error | null, buf?: Uint8Array) => void) => {
      host.onPeerRequest(this, index, offset, length, respond)
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
      queueMicrotask(onReady)
    }
  }

  private sendHandshake (): void {
    if (this.closed) return
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
