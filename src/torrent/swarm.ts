// One torrent's connections to its swarm: the addresses known (with backoff), dialing within
// the global and per-torrent connection limits, PE/MSE fallback to plaintext, bans, PEX
// between connected peers, the byte counters and rates, and which peers the torrent's record
// keeps across restarts (PeerBook). The session owns one and decides when connections are
// wanted; the Peer objects themselves are built by the session (SwarmHost.newPeer), their host.
import { isIPv4, isIPv6 } from 'node:net'
import type { Duplex } from 'node:stream'
import Wire from 'bittorrent-protocol'
import type { Logger } from '../logger.ts'
import type { EngineContext } from './context.ts'
import type { Peer } from './peer.ts'
import { PeerBook, type TorrentRecord } from './persistence.ts'
import { RateMeter } from './rate-limit.ts'

/** What the swarm asks of its session. */
export interface SwarmHost {
  /** connections are wanted now (active, or fetching metadata) */
  wantsPeers (): boolean
  /** the Peer for a new connection (the session is its host) */
  newPeer (wire: Wire, socket: Duplex, addr: string, outgoing: boolean): Peer
  /** a request to `peer` went unanswered too long: the block goes back to the scheduler */
  requestTimedOut (peer: Peer, piece: number, offset: number): void
}

interface Known {
  addr: string
  source: string
  nextAt: number
  failures: number
  banned: boolean
  /**
   * encryption 'allow' dials plaintext first (MSE/PE costs a DH exchange, ~75 ms against
   * webtorrent on loopback); a peer that drops us before the handshake is redialed with PE.
   */
  encrypt: boolean
  dialing: boolean
  peer: Peer | null
  lastConnected: number
}

const MAX_KNOWN = 500
const REQUEST_TIMEOUT_MS = 20_000
const SILENT_PEER_MS = 90_000
const TICK_MS = 500

export class Swarm {
  /** connected peers (handshaken or not) */
  readonly peers = new Set<Peer>()
  private readonly known = new Map<string, Known>()
  /** dead peers are told from ones merely not seen in this run by their failed dials */
  private readonly book: PeerBook
  private closed = false
  /** remembered peers changed since the last save */
  recordDirty = false
  /** piece payload received from peers (what the swarm spent on us) */
  downloaded = 0
  /** of which blocks of pieces that verified; the rest was wasted */
  useful = 0
  uploaded = 0
  private readonly downMeter = new RateMeter(TICK_MS)
  private readonly upMeter = new RateMeter(TICK_MS)
  get downRate (): number { return this.downMeter.rate }
  get upRate (): number { return this.upMeter.rate }

  /** Starts from the peers `record` remembers. */
  constructor (private readonly ctx: EngineContext, private readonly host: SwarmHost, private readonly log: Logger, record: Pick<TorrentRecord, 'peers' | 'failing'>) {
    this.book = new PeerBook(record)
    for (const addr of record.peers) this.addAddr(addr, 'remembered')
  }

  /**
   * The record's peers: this run's connections merged over the remembered ones. Failure counts
   * go with it (at the next save for a change of peers, sleep or close): a crash loses some,
   * which only delays forgetting a dead peer.
   */
  snapshot (): Pick<TorrentRecord, 'peers' | 'failing'> { return this.book.snapshot(this.rememberedPeers()) }

  countPayload (n: number): void { this.downloaded += n; this.downMeter.add(n) }
  countUseful (n: number): void { this.useful += n }
  countUp (n: number): void { this.uploaded += n; this.upMeter.add(n) }
  knownCount (): number { return this.known.size }
  /** room for one more connection (max_connections_per_torrent) */
  hasRoom (): boolean { return this.peers.size < this.ctx.cfg.max_connections_per_torrent }

  addAddr (addr: string, source: string): void {
    if (!/^(\[[0-9a-f:.]+\]|[^:]+):\d{1,5}$/i.test(addr) || addr.endsWith(':0')) return
    if (this.known.has(addr) || this.known.size >= MAX_KNOWN) return
    this.known.set(addr, { addr, source, nextAt: 0, failures: 0, banned: false, encrypt: false, dialing: false, peer: null, lastConnected: 0 })
  }

  onPexPeer (addr: string): void { this.addAddr(addr, 'pex'); this.maintain() }

  /** An incoming peer, now connected. */
  attach (peer: Peer): void { this.peers.add(peer) }

  /** Remembers an incoming peer under its listen address (so it can be redialed later). */
  onListenAddr (peer: Peer, addr: string): void {
    this.rememberListenAddr(peer, addr)
    if (peer.dialAddr === addr) this.book.connected(addr)
  }

  private rememberListenAddr (peer: Peer, addr: string): void {
    this.addAddr(addr, 'incoming')
    const k = this.known.get(addr)
    if (k === undefined || k.banned || (k.peer !== null && k.peer !== peer)) return
    k.peer = peer
    k.lastConnected = Date.now()
    peer.dialAddr = addr
    this.recordDirty = true
  }

  /** Most recently connected peers first (persisted for instant resume). */
  rememberedPeers (): string[] {
    return [...this.known.values()].filter(k => !k.banned && k.lastConnected > 0)
      .sort((a, b) => b.lastConnected - a.lastConnected).slice(0, 50).map(k => k.addr)
  }

  /** Dials candidates while limits allow. */
  maintain (): void {
    if (this.closed || !this.host.wantsPeers()) return
    const now = Date.now()
    let dialing = 0
    for (const k of this.known.values()) if (k.dialing) dialing++
    for (const k of this.known.values()) {
      if (this.peers.size + dialing >= this.ctx.cfg.max_connections_per_torrent || !this.ctx.network.canConnect()) break
      if (k.dialing || k.banned || k.peer !== null || k.nextAt > now) continue
      dialing++
      this.dial(k)
    }
  }

  private dial (k: Known): void {
    k.dialing = true
    this.ctx.network.dial(k.addr).then(({ socket, type, input }) => {
      k.dialing = false
      if (this.closed || !this.host.wantsPeers()) { socket.destroy(); return }
      this.ctx.network.track(socket)
      const pe = this.ctx.network.pe
      const wire = new Wire(type, pe === 1 && !k.encrypt ? 0 : pe)
      if (input !== null) input.attach(wire, socket)
      else socket.pipe(wire)
      wire.pipe(socket)
      const peer = this.host.newPeer(wire, socket, k.addr, true)
      k.peer = peer
      this.peers.add(peer)
    }, () => {
      k.dialing = false
      this.backoff(k)
      this.book.failed(k.addr)
    })
  }

  private backoff (k: Known): void {
    k.failures++
    k.nextAt = Date.now() + Math.min(300_000, 1000 * 2 ** Math.min(k.failures, 9))
  }

  /** A peer finished its handshake; false when connections are no longer wanted (it is closed). */
  onPeerReady (peer: Peer): boolean {
    this.book.connected(peer.addr)
    if (this.closed || !this.host.wantsPeers()) { peer.destroy(); return false }
    const k = this.known.get(peer.addr)
    if (k !== undefined) { k.failures = 0; k.lastConnected = Date.now(); this.recordDirty = true }
    // PEX: tell the others about a peer we could dial, and the newcomer about the others
    if (!this.ctx.cfg.pex) return true
    for (const other of this.peers) {
      if (other === peer || !other.ready) continue
      if (peer.dialAddr !== null) pexAdd(other, peer.dialAddr)
      if (other.dialAddr !== null) pexAdd(peer, other.dialAddr)
    }
    return true
  }

  onPeerClosed (peer: Peer): void {
    // a peer we dialed that dropped us before the handshake (while we wanted it) is a failed dial
    if (peer.outgoing && !peer.wasReady && !this.closed && this.host.wantsPeers()) this.book.failed(peer.addr)
    this.peers.delete(peer)
    const k = this.known.get(peer.dialAddr ?? peer.addr)
    if (k === undefined || k.peer !== peer) return
    k.peer = null
    if (peer.wasReady) { k.nextAt = Date.now() + 2000; return }
    if (peer.outgoing && this.ctx.network.pe === 1 && !k.encrypt) { k.encrypt = true; k.nextAt = 0; this.maintain(); return }
    this.backoff(k)
  }

  ban (peer: Peer, reason = 'bad data'): void {
    this.book.ban(peer.dialAddr ?? peer.addr)
    const k = this.known.get(peer.dialAddr ?? peer.addr)
    if (k !== undefined) k.banned = true
    this.log.warn({ peer: peer.addr, reason }, 'peer banned')
    peer.destroy()
  }

  /** Closes every wire (the torrent sleeps); known peers are kept. */
  disconnect (): void {
    for (const p of [...this.peers]) p.destroy()
  }

  /** Active again: remembered peers are dialed now (backoff reset). */
  wake (): void {
    for (const k of this.known.values()) if (!k.banned) { k.nextAt = 0; k.failures = 0 }
    this.maintain()
  }

  /** Periodic work: rates, silent peers, request timeouts (which shrink a pipeline), dialing. */
  tick (): void {
    const now = Date.now()
    this.downMeter.tick()
    this.upMeter.tick()
    for (const p of this.peers) {
      p.tick(TICK_MS)
      if (!p.ready) continue
      if (p.outstanding.size > 0 && now - p.lastReceived > SILENT_PEER_MS) { p.destroy(); continue }
      for (const o of [...p.outstanding.values()]) {
        if (now - o.sentAt > REQUEST_TIMEOUT_MS) {
          this.host.requestTimedOut(p, o.piece, o.offset)
          p.maxOutstanding = Math.max(4, Math.floor(p.maxOutstanding / 2))
        }
      }
    }
    this.maintain()
  }

  close (): void {
    this.closed = true
    this.disconnect()
  }
}

/**
 * Queues `addr` for `peer`'s next PEX message. PEX carries compact IP addresses (BEP 11): a
 * host name (an x.pe hint may be one) cannot be encoded, and ut_pex would throw from its timer.
 */
function pexAdd (peer: Peer, addr: string): void {
  const host = addr.slice(0, addr.lastIndexOf(':'))
  if (isIPv4(host)) peer.wire.ut_pex?.addPeer(addr)
  else if (isIPv6(host.replace(/^\[|\]$/g, ''))) peer.wire.ut_pex?.addPeer6(addr)
}

export { TICK_MS }
