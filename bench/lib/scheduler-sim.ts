// A deterministic model of the swarm-internet bench, for the scheduler alone: simulated time,
// no sockets, no CPU. The real bench on this shared 2-core machine moves by +-30 % between
// runs (one 1 MiB piece is 110 ms), so a rule change worth 10 % cannot be told from noise
// there; here the same swarm and the same seed give the same figures, and two schedulers
// (this checkout's and another's, see sched-sim.bench.ts) meet the very same swarm.
// What is modelled: each seeder's upload limit (webtorrent's throttle as the bench sets it:
// a token bucket 25 ms deep), its round trip (half each way, plus up to a tenth of it as
// jitter, in order), its FIFO queue of requests (a CANCEL never takes a block back:
// webtorrent has already read it into its send buffer), the connection order (ready after
// 1.5 round trips, unchoke one round trip later, as the bench's traces show), a silent peer
// that unchokes and never answers, two near fast seeders that vanish after a few blocks of
// the first read, and our side: Peer's pipeline sizing (pipeline.ts) and Transfer's pump
// (spreadUrgent, then fill every unchoked peer), a reader's default window behind each read
// (shallow until a read continues the one before, as Reader's).
// What is not: TCP windows, CPU time, the seeders' disk.
import { BLOCK } from '../../src/torrent/metadata.ts'
import { DEFAULT_MAX_PIPELINE, INITIAL_PIPELINE, nextRate, pipelineBlocks, slowStart } from '../../src/torrent/pipeline.ts'
import type { PeerLike, SchedulerHooks, WantSource } from '../../src/torrent/scheduler.ts'
import type { TorrentInfo } from '../../src/torrent/types.ts'
import { rng } from '../../test/helpers/fixtures.ts'

export interface SchedulerLike<P extends PeerLike> {
  readonly sources: Set<WantSource>
  invalidate (): void
  spreadUrgent (peers: readonly P[], now?: number, budget?: number, joining?: readonly P[]): number
  fill (peer: P, now?: number, budget?: number): number
  onBlock (peer: P, piece: number, offset: number, data: Uint8Array, now?: number): { piece: number } | null
  dropPeer (peer: P): void
}
export type SchedulerCtor = new (info: TorrentInfo, hooks: SchedulerHooks<SimPeer>) => SchedulerLike<SimPeer>

export interface SeederSpec { mbit: number, rttMs: number, vanishAfter?: number, silent?: boolean }

/** Events in time order (ties: in the order they were scheduled). */
class Clock {
  now = 0
  private seq = 0
  private readonly heap: Array<{ t: number, seq: number, fn: () => void }> = []
  at (t: number, fn: () => void): void {
    const h = this.heap
    h.push({ t: Math.max(t, this.now), seq: this.seq++, fn })
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (this.less(h[p]!, h[i]!)) break
      ;[h[p], h[i]] = [h[i]!, h[p]!]
      i = p
    }
  }

  private less (a: { t: number, seq: number }, b: { t: number, seq: number }): boolean { return a.t < b.t || (a.t === b.t && a.seq < b.seq) }

  /** Runs events until `done()` or `limit` ms of simulated time. */
  run (done: () => boolean, limit: number): void {
    const h = this.heap
    while (h.length > 0 && !done() && h[0]!.t <= limit) {
      const top = h[0]!
      const last = h.pop()!
      if (h.length > 0) {
        h[0] = last
        let i = 0
        for (;;) {
          const l = 2 * i + 1
          const r = l + 1
          let m = i
          if (l < h.length && this.less(h[l]!, h[m]!)) m = l
          if (r < h.length && this.less(h[r]!, h[m]!)) m = r
          if (m === i) break
          ;[h[m], h[i]] = [h[i]!, h[m]!]
          i = m
        }
      }
      this.now = top.t
      top.fn()
    }
  }
}

/** Our side of one connection (Peer's figures) and the seeder behind it. */
export class SimPeer implements PeerLike {
  readonly outstanding = new Map<number, { piece: number, block: number, offset: number, length: number, sentAt: number }>()
  maxOutstanding = INITIAL_PIPELINE
  pipelineLimited = false
  rate = 0
  minLatency = Infinity
  windowBytes = 0
  ready = false
  unchoked = false
  closed = false
  connectedAt = 0
  /** a dialed connection's handshake round trip (Peer.handshakeMs): the silent peer is on loopback */
  readonly handshakeMs: number
  /** the seeder: bytes/s, token bucket, when its link is free, bytes sent */
  readonly up: number
  private tokens: number
  private tokensAt = 0
  /** when the seeder's link is free again: what it has queued, cancelled blocks included */
  freeAt = 0
  sent = 0
  /** the other way's last arrival: a TCP stream keeps its order */
  lastDown = 0
  lastUp = 0

  constructor (readonly spec: SeederSpec, readonly name: string) {
    this.up = spec.mbit * 1e6 / 8
    this.tokens = this.bucket()
    this.handshakeMs = spec.silent === true ? 1 : spec.rttMs
  }

  private bucket (): number { return Math.max(1024, this.up / 40) }
  has (): boolean { return true }
  get canRequest (): boolean { return this.ready && this.unchoked && !this.closed }

  sampleLatency (ms: number): void {
    if (!(ms >= 0)) return
    if (ms < this.minLatency) this.minLatency = ms
    if (this.pipelineLimited) this.maxOutstanding = slowStart(this.maxOutstanding, ms, this.minLatency, DEFAULT_MAX_PIPELINE)
  }

  tick (ms: number): void {
    const idle = this.windowBytes === 0 && this.outstanding.size === 0
    this.rate = nextRate(this.rate, this.windowBytes, ms, idle)
    this.windowBytes = 0
    if (!idle && Number.isFinite(this.minLatency)) this.maxOutstanding = pipelineBlocks(this.rate, this.minLatency, this.maxOutstanding, DEFAULT_MAX_PIPELINE)
  }

  /** When a block whose request reached the seeder at `t` leaves it (FIFO, token bucket). */
  depart (t: number, length: number, wake = 0): number {
    // a seeder idle when the request comes sends a moment later (`wake`, see BENCH_SIM_WAKE)
    const start = t > this.freeAt ? t + wake : this.freeAt
    this.tokens = Math.min(this.bucket(), this.tokens + (start - this.tokensAt) * this.up / 1000)
    this.tokensAt = start
    let at = start
    if (this.tokens >= length) this.tokens -= length
    else {
      at = start + (length - this.tokens) * 1000 / this.up
      this.tokens = 0
      this.tokensAt = at
    }
    this.freeAt = at
    return at
  }
}

/** `chunk` and `window`: a streaming read (chunk by chunk, `window` bytes read ahead); else one probe-sized read */
export interface SimRead { name: string, start: number, length: number, chunk?: number, window?: number }
export interface SimResult { ms: number[], silentAsked: number }

/**
 * The scheduler's pace of `p` for the trace (bytes/s, 0 before one): its PeerEstimates'
 * (peer-estimates.ts), or the scheduler's own map in a base checkout from before that split.
 */
function pacedOf (sched: unknown, p: SimPeer): number {
  const s = sched as { est?: { paced: (p: SimPeer) => number }, paces?: WeakMap<SimPeer, { rate: number }> }
  return s.est?.paced(p) ?? s.paces?.get(p)?.rate ?? 0
}

/**
 * One fresh leecher on the swarm `specs`: connects to every seeder at time 0, starts reading
 * at `readStartMs`, the reads one after another, `pauseMs` apart (each with a reader window of
 * max(2 MiB, 2 pieces) behind it, closed when the read completes). Returns each read's time.
 */
export function simulate (Sched: SchedulerCtor, specs: SeederSpec[], info: TorrentInfo, reads: SimRead[], seed: number, readStartMs = 200, trace?: (line: string) => void, pauseMs = 5): SimResult {
  const clock = new Clock()
  const realNow = Date.now
  const epoch = 1e12
  Date.now = () => epoch + clock.now
  try {
    const rand = rng(seed)
    // our process busy (BENCH_SIM_BUSY=<mean gap ms>:<longest stall ms>): stalls at random, a
    // block that arrives during one is seen at its end, with the others that came meanwhile
    const [busyGap, busyMax] = (process.env.BENCH_SIM_BUSY ?? '0:0').split(':').map(Number) as [number, number]
    const busyRand = rng(seed + 1e6)
    const wakeMs = Number(process.env.BENCH_SIM_WAKE ?? 0)
    const wakeRand = rng(seed + 2e6)
    let stallStart = 0
    let stallEnd = 0
    const seen = (t: number): number => {
      if (busyGap <= 0) return t
      while (stallEnd < t) {
        stallStart = stallEnd - busyGap * Math.log(1 - busyRand())
        stallEnd = stallStart + busyRand() * busyMax
      }
      return t >= stallStart ? stallEnd : t
    }
    const have = new Set<number>()
    const peers = specs.map((s, i) => new SimPeer(s, `${s.silent === true ? 'silent' : `${s.mbit}M@${s.rttMs}`}#${i}`))
    const oneWay = (p: SimPeer): number => p.spec.rttMs / 2 + rand() * p.spec.rttMs / 10
    const zero = Buffer.alloc(BLOCK)
    let pumpQueued = false
    let traceT0 = 0
    let silentAsked = 0
    /** trace: the awaited pieces' requests and blocks per peer during the current read */
    const stats = new Map<SimPeer, { asked: number, got: number, first: number, last: number, askedAt: number[] }>()
    let traced = new Set<number>()
    /** trace: each awaited block's requests (peer@ms) and its first arrival */
    const blocks = new Map<number, { asks: string[], at: number, from: string }>()
    const stat = (p: SimPeer): { asked: number, got: number, first: number, last: number, askedAt: number[] } => {
      let st = stats.get(p)
      if (st === undefined) { st = { asked: 0, got: 0, first: Infinity, last: -Infinity, askedAt: [] }; stats.set(p, st) }
      return st
    }
    const hooks: SchedulerHooks<SimPeer> = {
      have: (i) => have.has(i),
      send: (p, piece, offset, length) => {
        if (trace !== undefined && traced.has(piece)) {
          const st = stat(p); st.asked++; st.askedAt.push(clock.now)
          const k = piece * 4096 + offset / BLOCK
          let e = blocks.get(k); if (e === undefined) { e = { asks: [], at: -1, from: '' }; blocks.set(k, e) }
          e.asks.push(`${p.name}@${Math.round(clock.now - traceT0)}`)
        }
        if (p.spec.silent === true) { silentAsked++; return }
        const reach = p.lastUp = Math.max(p.lastUp, clock.now + oneWay(p))
        clock.at(reach, () => {
          if (p.closed) return
          const dep = p.depart(clock.now, length, wakeMs * wakeRand())
          const arrive = p.lastDown = Math.max(p.lastDown, dep + oneWay(p))
          p.sent += length
          const vanish = p.spec.vanishAfter !== undefined && p.sent >= p.spec.vanishAfter
          clock.at(seen(arrive), () => { if (!p.closed) onBlock(p, piece, offset, length) })
          if (vanish) clock.at(arrive, () => { close(p) })
        })
      },
      cancel: () => {} // the block is already in the seeder's send buffer
    }
    const sched = new Sched(info, hooks)
    const pump = (): void => {
      if (pumpQueued) return
      pumpQueued = true
      clock.at(clock.now, () => {
        pumpQueued = false
        const now = Date.now()
        const ready = peers.filter((p) => p.canRequest)
        const joining = peers.filter((p) => p.ready && !p.unchoked && !p.closed && now - (epoch + p.connectedAt) < 3000)
        sched.spreadUrgent(ready, now, Infinity, joining)
        for (const p of ready) sched.fill(p, now, Infinity)
      })
    }
    const close = (p: SimPeer): void => {
      if (p.closed) return
      p.closed = true
      sched.dropPeer(p)
      pump()
    }
    let waiting: Set<number> | null = null
    const onBlock = (p: SimPeer, piece: number, offset: number, length: number): void => {
      p.windowBytes += length
      if (trace !== undefined && traced.has(piece)) {
        const st = stat(p); st.got++; st.first = Math.min(st.first, clock.now); st.last = clock.now
        const e = blocks.get(piece * 4096 + offset / BLOCK)
        if (e !== undefined && e.at < 0) { e.at = Math.round(clock.now - traceT0); e.from = p.name }
      }
      const done = sched.onBlock(p, piece, offset, length === BLOCK ? zero : zero.subarray(0, length), Date.now())
      if (done !== null) { have.add(done.piece); waiting?.delete(done.piece) }
      pump()
    }
    // connections: the silent peer is on loopback (ready and unchoked at once), the others
    // ready after 1.5 round trips and unchoked one round trip later (we are interested at once)
    for (const p of peers) {
      const rtt = p.spec.silent === true ? 0 : p.spec.rttMs
      clock.at(1.5 * rtt + rand() * rtt / 10, () => { p.ready = true; p.connectedAt = clock.now; pump() })
      clock.at(2.5 * rtt + rand() * rtt / 5, () => { p.unchoked = true; pump() })
    }
    const tick = (): void => { for (const p of peers) if (!p.closed) p.tick(500); clock.at(clock.now + 500, tick) }
    clock.at(500, tick)
    clock.run(() => false, readStartMs)
    clock.now = Math.max(clock.now, readStartMs)
    const ms: number[] = []
    const pl = info.pieceLength
    for (const r of reads) {
      // a streaming read goes chunk by chunk with its window ahead; a probe is one chunk
      const chunk = r.chunk ?? r.length
      const window = r.window ?? Math.max(2 * 1024 * 1024, 2 * pl)
      let pos = r.start
      // as Reader does: the window is shallow until a read continues the one before (a probe's)
      let streaming = false
      const reader: WantSource = { collect: (add) => { for (let i = Math.floor(pos / pl); i * pl < Math.min(info.length, pos + window); i++) add(i, 'readahead', Infinity, Math.max(0, i * pl - pos), !streaming) } }
      sched.sources.add(reader)
      const t0 = clock.now
      let lost = false
      if (trace !== undefined) {
        traceT0 = t0
        blocks.clear()
        stats.clear()
        traced = new Set()
        for (let i = Math.floor(r.start / pl); i <= Math.floor((r.start + Math.min(r.length, chunk) - 1) / pl); i++) traced.add(i)
        trace(`${r.name} at ${Math.round(t0)} ms: seeders' backlog (ms) ${peers.filter((p) => !p.closed && p.spec.silent !== true).map((p) => `${p.name} ${Math.round(Math.max(0, p.freeAt - t0))}`).join(', ')}`)
        trace(`  our figures (rate KiB/s, pipeline, min latency ms, pace KiB/s): ${peers.filter((p) => !p.closed).map((p) => `${p.name} ${Math.round(p.rate / 1024)}, ${p.maxOutstanding}, ${Math.round(p.minLatency)}, pace ${Math.round(pacedOf(sched, p) / 1024)}`).join('; ')}`)
      }
      for (let off = r.start; off < r.start + r.length && !lost; off += chunk) {
        const len = Math.min(chunk, r.start + r.length - off)
        const need = new Set<number>()
        for (let i = Math.floor(off / pl); i <= Math.floor((off + len - 1) / pl); i++) if (!have.has(i)) need.add(i)
        waiting = need
        streaming = off > r.start
        pos = off + len
        const deadline = Date.now() + 60_000
        const read: WantSource = { collect: (add) => { for (const i of need) add(i, 'urgent', deadline, Math.max(0, i * pl - off)) } }
        sched.sources.add(read)
        sched.invalidate()
        pump()
        clock.run(() => need.size === 0, t0 + 60_000)
        lost = need.size > 0
        sched.sources.delete(read)
      }
      ms.push(lost ? Infinity : clock.now - t0)
      if (trace !== undefined) {
        trace(`  last blocks in: ${[...blocks.values()].filter((e) => e.at >= 0).sort((a, b) => a.at - b.at).slice(-6).map((e) => `${e.at} from ${e.from} (asked ${e.asks.join(' ')})`).join('; ')}`)
        trace(`  ${Math.round(clock.now - t0)} ms; first chunk's blocks per peer (asked/got, first..last ms): ${[...stats].map(([p, st]) => `${p.name} ${st.asked}/${st.got} ${st.got > 0 ? `${Math.round(st.first - t0)}..${Math.round(st.last - t0)}` : ''} asked at ${st.askedAt.map((t) => Math.round(t - t0)).join(',')}`).join('; ')}`)
      }
      sched.sources.delete(reader)
      sched.invalidate()
      pump()
      // the bench's next request comes over IPC a moment later (or a player's, after a pause)
      clock.run(() => false, clock.now + pauseMs)
      clock.now = Math.max(clock.now, t0 + ms[ms.length - 1]! + pauseMs)
    }
    return { ms, silentAsked }
  } finally {
    Date.now = realNow
  }
}
