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
  onMetadata (peer: Peer, torrentFile: Uint8Array): void
  onPexPeer (addr: string): void
  /** an incoming peer told its listen port (extended handshake 'p') */
  onListenAddr (peer: Peer, addr: string): void
  /** every piece payload received, wanted or not (a block that arrives after its CANCEL still cost bandwidth) */
  countPayload (n: number): void
}

export interface OutstandingBlock { piece: number, block: number, offset: number, length: number, sentAt: number }

const HANDSHAKE_TIMEOUT_MS = 10_000
const MIN_PIPELINE = 16
/** seconds of a peer's measured rate kept requested: shallow, because data a throttled peer has
 * already queued cannot be recalled by CANCEL and delays the next urgent (seek) request */
const PIPELINE_SECONDS = 0.3
const MAX_PIPELINE = 256

export class Peer {
  /** key: piece * 4096 + block */
  readonly outstanding = new Map<number, OutstandingBlock>()
  maxOutstanding = 64
  lastReceived = Date.now()
  connectedAt = Date.now()
  ready = false
  wasReady = false
  closed = false
  strikes = 0
  /** the address we would dial for this peer (outgoing: `addr`; incoming: from 'p' if sent) */
  dialAddr: string | null
  /** payload bytes received in the current second and an exponential average (bytes/s) */
  private windowBytes = 0
  rate = 0

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
   * Rolls the byte counter into `rate` (bytes/s) and sizes the request pipeline to
   * PIPELINE_SECONDS of data at that rate (between MIN_PIPELINE and MAX_PIPELINE blocks).
   */
  tick (ms: number): void {
    this.rate = this.rate * 0.5 + (this.windowBytes * 1000 / ms) * 0.5
    this.windowBytes = 0
    const target = Math.ceil(this.rate * PIPELINE_SECONDS / BLOCK)
    this.maxOutstanding = Math.max(MIN_PIPELINE, Math.min(MAX_PIPELINE, Math.max(target, this.maxOutstanding > target ? Math.floor(this.maxOutstanding * 0.9) : target)))
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
