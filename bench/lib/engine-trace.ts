// Per-peer timing of one read in momoshtrem's engine, for the swarm-internet bench (set
// BENCH_NET_TRACE=1): for each peer, relative to the read's start, when it connected, became
// ready (handshake), unchoked us, was first asked for a block, delivered its first and last
// block, and how many blocks it was asked for, delivered and had cancelled. It reaches into
// the engine's internals (the service's sessions, the session's swarm and transfer): a
// debugging aid for the bench, not an interface.
import type { TorrentService } from '../../src/torrent/types.ts'

interface PeerT { events: string[], addr: string, connected: number, ready: number, unchoke: number, firstReq: number, firstBlock: number, lastBlock: number, asked: number, got: number, cancelled: number, dup: number, out0: number }
type Any = any
/** BENCH_NET_TRACE_TIMELINE=1 (with BENCH_NET_TRACE=1): each peer's requests (r), useful (b) and duplicate (d) blocks with what it still owed, and cancels (c), by ms */
const TIMELINE = process.env.BENCH_NET_TRACE_TIMELINE === '1'

export class EngineTrace {
  private t0 = 0
  private readonly peers = new Map<Any, PeerT>()
  private readonly session: Any
  private done = -1
  /** the awaited piece's blocks as they came: [ms, port, ms since asked, peers asked] */
  private arrivals: Array<[number, string, number, number]> = []
  private piece = -1

  constructor (engine: TorrentService, hash: string) {
    this.session = (engine as Any).sessions.get(hash)
    const transfer = this.session.transfer
    const sched = transfer.scheduler
    const hooks = sched.hooks
    const send = hooks.send
    hooks.send = (peer: Any, piece: number, offset: number, length: number) => {
      const t = this.of(peer)
      if (t.firstReq < 0) t.firstReq = this.now()
      t.asked++
      if (TIMELINE) t.events.push(`r${this.now()}`)
      send(peer, piece, offset, length)
    }
    const cancel = hooks.cancel
    hooks.cancel = (peer: Any, piece: number, offset: number, length: number) => { const t = this.of(peer); t.cancelled++; if (TIMELINE) t.events.push(`c${this.now()}`); cancel(peer, piece, offset, length) }
    const onBlock = transfer.onBlock.bind(transfer)
    transfer.onBlock = (peer: Any, piece: number, offset: number, data: Uint8Array) => {
      const t = this.of(peer)
      const now = this.now()
      if (t.firstBlock < 0) t.firstBlock = now
      t.lastBlock = now
      t.got++
      const f = sched.inflight.get(piece)
      const dup = f === undefined || f.got[offset / 16384] === 1
      if (TIMELINE) t.events.push(`${dup ? 'd' : 'b'}${now}/${peer.outstanding.size}`)
      if (dup) t.dup++
      else if (this.done < 0 && (this.piece < 0 || this.piece === piece)) {
        this.piece = piece
        const b = offset / 16384
        this.arrivals.push([now, peer.addr.slice(peer.addr.lastIndexOf(':') + 1), Math.round(performance.now() - this.t0 - (f.sentAt[b] - (Date.now() - (performance.now() - this.t0)))), f.requesters[b]?.size ?? 0])
      }
      onBlock(peer, piece, offset, data)
      if (f !== undefined && !sched.inflight.has(piece) && f.received === f.got.length && this.done < 0) this.done = now
    }
  }

  private now (): number { return Math.round(performance.now() - this.t0) }

  private of (peer: Any): PeerT {
    let t = this.peers.get(peer)
    if (t === undefined) {
      t = { events: [], addr: peer.addr, connected: Math.round(peer.connectedAt - (Date.now() - (performance.now() - this.t0))), ready: peer.ready ? -1e9 : -1, unchoke: peer.wire.peerChoking === false ? -1e9 : -1, firstReq: -1, firstBlock: -1, lastBlock: -1, asked: 0, got: 0, cancelled: 0, dup: 0, out0: peer.outstanding.size }
      this.peers.set(peer, t)
      const mark = t
      if (!peer.ready) peer.wire.once('handshake', () => { mark.ready = this.now() })
      peer.wire.on('unchoke', () => { if (mark.unchoke < 0 || mark.unchoke === -1e9) mark.unchoke = this.now() })
    }
    return t
  }

  start (): void {
    this.t0 = performance.now()
    this.peers.clear()
    this.done = -1
    this.arrivals = []
    this.piece = -1
    for (const p of this.session.swarm.peers) this.of(p)
  }

  /** one line per peer that was connected or asked, by port */
  report (): string {
    for (const p of this.session.swarm.peers) this.of(p)
    const f = (n: number): string => n === -1e9 ? 'before' : n < 0 ? '-' : String(n)
    // hs: the handshake's round trip on a connection we dialed (the scheduler's first latency estimate)
    const lines = [...this.peers].sort(([, a], [, b]) => a.addr.localeCompare(b.addr)).map(([peer, t]) =>
      `    ${t.addr.padEnd(16)} hs ${peer.handshakeMs ?? '-'} out0 ${t.out0} conn ${f(t.connected)} ready ${f(t.ready)} unchoke ${f(t.unchoke)} req ${f(t.firstReq)} first ${f(t.firstBlock)} last ${f(t.lastBlock)} asked ${t.asked} got ${t.got} dup ${t.dup} cancel ${t.cancelled}${TIMELINE ? `\n      ${t.events.join(' ')}` : ''}`)
    const tail = this.arrivals.slice(-8).map(([t, port, waited, n]) => `${t}:${port}(${waited} ms, ${n} asked)`).join(' ')
    return [`    first piece done at ${this.done} ms; its last blocks: ${tail}`, ...lines].join('\n')
  }
}
