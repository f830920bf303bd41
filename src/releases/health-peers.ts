// The swarm health probe's connections: addresses learned, outgoing TCP dials (at most
// `maxPeers` sockets at once), and each connection run by the engine's hardened Peer (every
// message checked, ut_metadata verified against the info hash) with this pool as its host.
// What each peer announces (bitfield, HAVE, HAVE_ALL) is kept to be judged at the end.
//
// The pool never asks for data: its transfer is null (the Peer sends no INTERESTED and no
// REQUEST, and refuses requests), it offers no pieces (HAVE_NONE, no bitfield) and no metadata.
import net from 'node:net'
import type { Duplex } from 'node:stream'
import Wire from 'bittorrent-protocol'
import type { Logger } from '../logger.ts'
import type { TorrentMeta } from '../torrent/metadata.ts'
import { Peer, type PeerHost } from '../torrent/peer.ts'
import { isExtId } from '../torrent/wire-checks.ts'
import { ownAddresses, peerAddress, peerKind } from './health-pieces.ts'

export interface PoolOptions {
  infoHash: string
  peerId: Buffer
  /** 0 plaintext, 1 plaintext first then MSE/PE, 2 MSE/PE only (network.ts peLevel) */
  pe: number
  maxPeers: number
  /** the port the probe announces (its own address is no peer) */
  port: number
  log: Logger
  /** something changed: the probe may be done */
  changed: () => void
  /** ut_metadata delivered an info dictionary that hashes to the info hash */
  metadata: (peer: Peer, torrentFile: Uint8Array) => void
}

const DIAL_TIMEOUT_MS = 4000
/** a handshaken peer that showed no pieces this long has none to show */
const SETTLE_MS = 1000
const MAX_KNOWN = 1000

interface View { readyAt: number, closedAt: number, bitfieldBytes: number | null, shown: boolean, extended: boolean, haveAll: boolean, banned: boolean, metadataFailed: boolean }

export class PeerPool implements PeerHost {
  /** set by the probe once the metadata is in: bounds the peers' messages and judges bitfields */
  meta: TorrentMeta | null = null
  readonly transfer = null
  readonly pex = false
  readonly dht = false
  private readonly known = new Map<string, { encrypted: boolean }>()
  private readonly own: Set<string>
  private readonly queue: Array<{ addr: string, encrypt: boolean }> = []
  private readonly dials = new Set<net.Socket>()
  private readonly peers = new Set<Peer>()
  private readonly views = new Map<Peer, View>()
  private closed = false

  constructor (private readonly o: PoolOptions) {
    this.own = ownAddresses(o.port)
  }

  get infoHash (): string { return this.o.infoHash }
  get peerId (): Buffer { return this.o.peerId }
  get pe (): number { return this.o.pe }
  get listenPort (): number { return this.o.port }
  /** distinct addresses learned */
  get found (): number { return this.known.size }
  /** peers that completed the handshake */
  get reached (): number { return [...this.views.values()].filter((v) => v.readyAt > 0).length }

  /** A peer address from a tracker, the DHT or (`hint`) the magnet; dialled when there is room. */
  add (raw: string, hint: boolean): void {
    const addr = peerAddress(raw, hint)
    if (this.closed || addr === null || this.own.has(addr) || this.known.has(addr) || this.known.size >= MAX_KNOWN) return
    this.known.set(addr, { encrypted: false })
    this.queue.push({ addr, encrypt: this.o.pe === 2 })
    this.pump()
  }

  /** Every address was dialled and every peer has shown its pieces and given (or cannot give) the metadata. */
  settled (): boolean {
    return this.queue.length === 0 && this.dials.size === 0 && [...this.peers].every((p) => this.peerDone(p))
  }

  /** Seeders and leechers among the peers reached; banned ones and those that could not be judged are neither. */
  tally (): { seeders: number, leechers: number } {
    const count = this.meta?.info.pieceCount ?? null
    const now = Date.now()
    const out = { seeders: 0, leechers: 0 }
    for (const [peer, view] of this.views) {
      if (view.readyAt === 0 || view.banned) continue
      // silence means no pieces only from a peer that had time to speak
      if (!view.shown && (view.closedAt || now) - view.readyAt < SETTLE_MS) continue
      const bits = view.haveAll ? new Uint8Array(0) : peer.wire.peerPieces.buffer
      const kind = peerKind({ bits, haveAll: view.haveAll, bitfieldBytes: view.bitfieldBytes }, count)
      if (kind === 'seeder') out.seeders++
      else if (kind === 'leecher') out.leechers++
    }
    return out
  }

  /** The metadata is in: the other peers stop fetching it. */
  gotMetadata (meta: TorrentMeta): void {
    this.meta = meta
    for (const p of this.peers) p.wire.ut_metadata?.cancel()
  }

  /** Closes every socket; nothing is dialled after. */
  close (): void {
    this.closed = true
    for (const s of this.dials) s.destroy()
    this.dials.clear()
    for (const p of [...this.peers]) p.destroy()
  }

  private pump (): void {
    while (!this.closed && this.queue.length > 0 && this.dials.size + this.peers.size < this.o.maxPeers) {
      const next = this.queue.shift()!
      this.dial(next.addr, next.encrypt)
    }
  }

  private dial (addr: string, encrypt: boolean): void {
    const i = addr.lastIndexOf(':')
    const socket = net.connect({ host: addr.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(addr.slice(i + 1)), noDelay: true })
    this.dials.add(socket)
    const timer = setTimeout(() => { socket.destroy() }, DIAL_TIMEOUT_MS)
    socket.on('error', () => {})
    socket.once('close', () => { clearTimeout(timer); if (this.dials.delete(socket)) { this.pump(); this.o.changed() } })
    socket.once('connect', () => {
      clearTimeout(timer)
      this.dials.delete(socket)
      if (this.closed) { socket.destroy(); return }
      try { this.attach(socket, addr, encrypt) } catch (err) {
        this.o.log.warn({ err, peer: addr }, 'health probe: peer not attached')
        socket.destroy()
      }
    })
  }

  private attach (socket: Duplex, addr: string, encrypt: boolean): void {
    const wire = new Wire('tcpOutgoing', encrypt ? this.o.pe : 0)
    socket.pipe(wire).pipe(socket)
    // BEP 6 (fast extension): a seeder can say HAVE_ALL; Peer offers only DHT, so add it
    const handshake = wire.handshake.bind(wire)
    wire.handshake = (infoHash, peerId, ext) => { handshake(infoHash, peerId, { ...ext, fast: true }) }
    const view: View = { readyAt: 0, closedAt: 0, bitfieldBytes: null, shown: false, extended: false, haveAll: false, banned: false, metadataFailed: false }
    const peer = new Peer(wire, socket, addr, true, this)
    this.peers.add(peer)
    this.views.set(peer, view)
    delete wire.extendedHandshake.p // nothing listens here for this torrent
    // with the fast extension the first message after the handshakes must say what we have: nothing
    wire.once('handshake', () => { if (wire.hasFast === true && !peer.closed) wire.haveNone() })
    const shown = (): void => { view.shown = true; this.o.changed() }
    for (const ev of ['have', 'have-none']) wire.on(ev, shown)
    wire.on('bitfield', () => { view.bitfieldBytes = wire.peerPieces.buffer.length; shown() })
    wire.on('have-all', () => { view.haveAll = true; shown() })
    wire.on('extended', (ext: string) => { if (ext === 'handshake') { view.extended = true; this.o.changed() } })
    wire.ut_metadata.on('warning', () => { view.metadataFailed = true; this.o.changed() })
  }

  /** The peer showed its pieces (or had time to), and gave the metadata or cannot. */
  private peerDone (peer: Peer): boolean {
    const view = this.views.get(peer)
    if (view === undefined || !peer.ready) return false
    const said = view.shown && (view.extended || peer.wire.peerExtensions.extended !== true)
    if (!said && Date.now() - view.readyAt < SETTLE_MS) return false
    const m = peer.wire.peerExtendedHandshake.m as Record<string, unknown> | undefined
    const offers = isExtId(m?.ut_metadata) && typeof peer.wire.peerExtendedHandshake.metadata_size === 'number'
    return this.meta !== null || !offers || view.metadataFailed
  }

  // ---- PeerHost ----

  metadataBuffer (): undefined { return undefined }
  bitfieldBuffer (): undefined { return undefined }
  onPexPeer (): void {}
  onListenAddr (): void {}
  countPayload (): void {}
  onMetadata (peer: Peer, torrentFile: Uint8Array): void { this.o.metadata(peer, torrentFile) }

  onPeerReady (peer: Peer): void {
    const view = this.views.get(peer)
    if (view !== undefined) view.readyAt = Date.now()
    this.o.changed()
  }

  onPeerClosed (peer: Peer): void {
    this.peers.delete(peer)
    const view = this.views.get(peer)
    if (view !== undefined && view.closedAt === 0) view.closedAt = Date.now()
    if (this.closed) return
    // a peer that drops a plaintext handshake may want MSE/PE (as the engine's swarm does)
    const k = this.known.get(peer.addr)
    if (!peer.wasReady && this.o.pe === 1 && k !== undefined && !k.encrypted) {
      k.encrypted = true
      this.queue.push({ addr: peer.addr, encrypt: true })
    }
    this.pump()
    this.o.changed()
  }

  ban (peer: Peer, reason: string): void {
    const view = this.views.get(peer)
    if (view !== undefined) view.banned = true
    this.o.log.debug({ peer: peer.addr, reason }, 'health probe: peer broke the protocol')
  }

  /** The metadata a peer sent could not be used: that peer is no longer waited for. */
  metadataFailed (peer: Peer): void {
    const view = this.views.get(peer)
    if (view !== undefined) view.metadataFailed = true
    this.o.changed()
  }
}
