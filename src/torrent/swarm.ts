// The peer side of a session: known addresses with backoff, dialing (global and per-torrent
// connection limits), PE/MSE fallback to plaintext, bans, idle/paused sleep and wake, rates.
import { isIPv4, isIPv6 } from 'node:net'
import Wire from 'bittorrent-protocol'
import type { Logger } from '../logger.ts'
import type { EngineContext } from './context.ts'
import type { PeerDiscovery } from './discovery.ts'
import { Peer } from './peer.ts'
import { RateMeter, TokenBucket } from './rate-limit.ts'
import type { TorrentState } from './types.ts'

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

export abstract class SessionPeers {
  state: TorrentState = 'paused'
  closed = false
  readonly peers = new Set<Peer>()
  protected discovery!: PeerDiscovery
  private readonly known = new Map<string, Known>()
  private readonly timers = new Set<NodeJS.Timeout>()
  /** remembered peers changed since the last save */
  protected recordDirty = false
  /** piece payload received from peers (what the swarm spent on us) */
  downloaded = 0
  /** of which blocks answering a live request; the rest arrived after a CANCEL and was dropped */
  useful = 0
  uploaded = 0
  private readonly downMeter = new RateMeter(TICK_MS)
  private readonly upMeter = new RateMeter(TICK_MS)
  get downRate (): number { return this.downMeter.rate }
  get upRate (): number { return this.upMeter.rate }

  constructor (readonly ctx: EngineContext, readonly infoHash: string, readonly log: Logger) {}

  get peerId (): Buffer { return this.ctx.peerId }
  get pe (): number { return this.ctx.network.pe }
  get pex (): boolean { return this.ctx.cfg.pex }
  get dht (): boolean { return this.ctx.cfg.dht }
  get listenPort (): number { return this.ctx.network.port }
  get down (): TokenBucket { return this.ctx.down }
  get up (): TokenBucket { return this.ctx.up }

  acceptsIncoming (): boolean { return !this.closed && (this.state === 'active' || this.state === 'metadata') }
  countPayload (n: number): void { this.downloaded += n; this.downMeter.add(n) }
  countUseful (n: number): void { this.useful += n }
  countUp (n: number): void { this.uploaded += n; this.upMeter.add(n) }
  knownCount (): number { return this.known.size }

  later (ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); if (!this.closed) fn() }, ms)
    this.timers.add(t)
  }

  addAddr (addr: string, source: string): void {
    if (!/^(\[[0-9a-f:.]+\]|[^:]+):\d{1,5}$/i.test(addr) || addr.endsWith(':0')) return
    if (this.known.has(addr) || this.known.size >= MAX_KNOWN) return
    this.known.set(addr, { addr, source, nextAt: 0, failures: 0, banned: false, encrypt: false, dialing: false, peer: null, lastConnected: 0 })
  }

  onPexPeer (addr: string): void { this.addAddr(addr, 'pex'); this.maintain() }

  /** Remembers an incoming peer under its listen address (so it can be redialed later). */
  onListenAddr (peer: Peer, addr: string): void {
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
    if (this.closed || (this.state !== 'active' && this.state !== 'metadata')) return
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
    this.ctx.network.dial(k.addr).then(({ socket, type }) => {
      k.dialing = false
      if (this.closed || (this.state !== 'active' && this.state !== 'metadata')) { socket.destroy(); return }
      this.ctx.network.track(socket)
      const wire = new Wire(type, this.pe === 1 && !k.encrypt ? 0 : this.pe)
      socket.pipe(wire).pipe(socket)
      const peer = new Peer(wire, socket, k.addr, true, this as never)
      k.peer = peer
      this.peers.add(peer)
    }, () => {
      k.dialing = false
      this.backoff(k)
      this.onDialFailed(k.addr)
    })
  }

  /** A dial of `addr` failed (refused, unreachable, timed out); the session keeps count. */
  protected onDialFailed (_addr: string): void {}

  private backoff (k: Known): void {
    k.failures++
    k.nextAt = Date.now() + Math.min(300_000, 1000 * 2 ** Math.min(k.failures, 9))
  }

  onPeerReady (peer: Peer): void {
    if (!this.acceptsIncoming()) { peer.destroy(); return }
    const k = this.known.get(peer.addr)
    if (k !== undefined) { k.failures = 0; k.lastConnected = Date.now(); this.recordDirty = true }
    // PEX: tell the others about a peer we could dial, and the newcomer about the others
    if (!this.ctx.cfg.pex) return
    for (const other of this.peers) {
      if (other === peer || !other.ready) continue
      if (peer.dialAddr !== null) pexAdd(other, peer.dialAddr)
      if (other.dialAddr !== null) pexAdd(peer, other.dialAddr)
    }
  }

  onPeerClosed (peer: Peer): void {
    this.peers.delete(peer)
    const k = this.known.get(peer.dialAddr ?? peer.addr)
    if (k === undefined || k.peer !== peer) return
    k.peer = null
    if (peer.wasReady) { k.nextAt = Date.now() + 2000; return }
    if (peer.outgoing && this.pe === 1 && !k.encrypt) { k.encrypt = true; k.nextAt = 0; this.maintain(); return }
    this.backoff(k)
  }

  ban (peer: Peer, reason = 'bad data'): void {
    const k = this.known.get(peer.dialAddr ?? peer.addr)
    if (k !== undefined) k.banned = true
    this.log.warn({ peer: peer.addr, reason }, 'peer banned')
    peer.destroy()
  }

  /** idle/paused: close every wire, stop announcing, remember peers. */
  sleep (kind: 'idle' | 'paused'): void {
    if (this.closed) return
    this.state = kind
    this.discovery.stop()
    for (const p of [...this.peers]) p.destroy()
    this.log.info({ state: kind }, 'torrent sleeping')
  }

  /** active again: dial remembered peers now, restart discovery. */
  wake (): void {
    if (this.closed) return
    this.state = 'active'
    for (const k of this.known.values()) if (!k.banned) { k.nextAt = 0; k.failures = 0 }
    this.discovery.start()
    this.maintain()
  }

  protected tickPeers (): void {
    const now = Date.now()
    this.downMeter.tick()
    this.upMeter.tick()
    for (const p of this.peers) {
      p.tick(TICK_MS)
      if (!p.ready) continue
      if (p.outstanding.size > 0 && now - p.lastReceived > SILENT_PEER_MS) { p.destroy(); continue }
      for (const o of [...p.outstanding.values()]) {
        if (now - o.sentAt > REQUEST_TIMEOUT_MS) {
          this.onRequestTimeout(p, o.piece, o.offset)
          p.maxOutstanding = Math.max(4, Math.floor(p.maxOutstanding / 2))
        }
      }
    }
    this.maintain()
  }

  protected abstract onRequestTimeout (peer: Peer, piece: number, offset: number): void

  protected closeNetwork (): void {
    this.closed = true
    this.discovery.stop()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    for (const p of [...this.peers]) p.destroy()
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
