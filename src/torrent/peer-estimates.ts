// When a peer would deliver a block we ask of it now: its round trip, its pace (the rate of its
// latest back-to-back blocks), what it still owes us, and whether it answers at all. The
// scheduler (scheduler.ts) gives each block to the peer these say delivers it first; the
// estimates only learn from what the scheduler tells them (a block arrived, a request was
// cancelled) and from the peer's own counters.
import { BLOCK } from './metadata.ts'

export interface PeerLike {
  has (piece: number): boolean
  /** a requested block arrived this many ms after its REQUEST */
  sampleLatency (ms: number): void
  /** set by fill(): the peer had more wanted blocks than free pipeline slots */
  pipelineLimited: boolean
  readonly outstanding: Map<number, { piece: number, block: number, offset: number, length: number, sentAt: number }>
  maxOutstanding: number
  /** delivery rate measured (bytes/s, 0 = not yet) and shortest request-to-block time (ms, Infinity = none yet) */
  readonly rate?: number
  readonly minLatency?: number
  /** our handshake to theirs (ms) on a connection we dialed; undefined when unknown */
  readonly handshakeMs?: number | undefined
}

/** Before a peer delivered anything: a round trip, and a rate, typical of a distant home uplink. */
export const UNKNOWN_LATENCY_MS = 150
const UNKNOWN_RATE = 128 * 1024
/** a peer whose oldest request waited this long (and 4 round trips) with no block since is stalled */
const STALL_MS = 1000

/** A peer some requested block came from: its round trip is known. */
export function measured (p: PeerLike): boolean {
  const l = p.minLatency
  return l !== undefined && Number.isFinite(l)
}

/**
 * A peer's round trip: its shortest request-to-block time, else its handshake's round trip
 * (a near peer is told from a distant one before either sent a block: on a 1 MiB piece, the
 * blocks of the first round trip went to peers in the order they unchoked us), else a guess.
 */
export function latencyOf (p: PeerLike): number {
  return measured(p) ? p.minLatency! : p.handshakeMs ?? UNKNOWN_LATENCY_MS
}

/**
 * Bytes/s the peer delivers: `paced`, the rate of its latest run of back-to-back blocks (see
 * Pace: known a few blocks after it first answers, where the tick's average needs 500 ms and
 * averages in the gaps between reads), else its measured rate, no less than a distant home
 * uplink's, or before either, what its pipeline over its round trip allows (a peer that
 * answered has a known round trip). The measured rate is what we asked of the peer, not what
 * it can do: a 15 Mbit peer asked a few blocks a read averaged 16 KiB/s, was expected to take
 * a second a block, and sat idle through the next read.
 */
function rateOf (p: PeerLike, paced = 0): number {
  if (paced > 0) return paced
  if (p.rate !== undefined && p.rate > 0) return Math.max(UNKNOWN_RATE, p.rate)
  return measured(p) ? Math.max(UNKNOWN_RATE, p.maxOutstanding * BLOCK * 1000 / Math.max(1, p.minLatency!)) : UNKNOWN_RATE
}

/**
 * A peer's latest busy run: the arrival times of its last PACE_WINDOW blocks that came while
 * more requests were outstanding at it. Their rate is what the peer's link (or its upload
 * limit) delivers when its queue is not empty: a 20 Mbit peer shows it after three blocks
 * (20 ms). Only the latest blocks count: a throttled seeder's first blocks come at once (its
 * token bucket was full), then at its rate.
 */
interface Pace { times: number[], rate: number }
const PACE_WINDOW = 6
/** a run's rate is believed once it spans this many blocks and ms */
const PACE_BLOCKS = 3
const PACE_MS = 15

export class PeerEstimates<P extends PeerLike> {
  /** when each peer last delivered a block we asked for */
  private readonly lastBlock = new WeakMap<P, number>()
  /**
   * Peers found stalled stay so until a block we asked for arrives (after a request timeout
   * frees their queue they would look fresh again, and stall the next read): meanwhile each
   * keeps one read-ahead request as a probe.
   */
  private readonly stalledPeers = new WeakSet<P>()
  private readonly paces = new WeakMap<P, Pace>()
  /** when each peer should have sent the blocks we cancelled at it (see backlog) */
  private readonly drainAt = new WeakMap<P, number>()

  /**
   * A peer that accepted requests and answers none: its oldest request has waited STALL_MS and
   * four of its round trips with no block from it since. It gets no new requests, and what it
   * holds of urgent pieces is duplicated at once (it never counts as a requester).
   */
  stalled (p: P, now: number): boolean {
    if (this.stalledPeers.has(p)) return true
    const first = p.outstanding.values().next().value
    if (first === undefined) return false
    const waited = now - first.sentAt
    if (waited <= Math.max(STALL_MS, 4 * latencyOf(p)) || (this.lastBlock.get(p) ?? -Infinity) >= first.sentAt) return false
    this.stalledPeers.add(p)
    return true
  }

  /**
   * rateOf, at most one block per the time `p` has owed us one: a throttled seeder (webtorrent's
   * upload limit is a token bucket of one second of its rate) sends its first blocks at once
   * and then at its rate, so a pace from the first blocks alone can be many times too high.
   */
  rate (p: P, now = Date.now()): number {
    const r = rateOf(p, this.paces.get(p)?.rate)
    const first = p.outstanding.values().next().value
    if (first === undefined) return r
    const owed = now - Math.max(this.lastBlock.get(p) ?? -Infinity, first.sentAt + latencyOf(p))
    return owed > 0 ? Math.min(r, BLOCK * 1000 / owed) : r
  }

  /** ms until a block asked of `p` now would arrive, behind `queued` blocks already asked (and what it still sends of cancelled ones). */
  eta (p: P, queued: number, now = Date.now()): number {
    return latencyOf(p) + this.backlog(p, now) + (queued + 1) * BLOCK * 1000 / this.rate(p, now)
  }

  /**
   * ms `p` still spends sending blocks we cancelled: a client that has read a block into its
   * send buffer sends it anyway (webtorrent always does), ahead of anything asked since. Only an
   * estimate (each cancelled block at the peer's rate, from when it was cancelled), so it
   * lapses by itself when the peer did honour the CANCEL.
   */
  backlog (p: P, now: number): number {
    return Math.max(0, (this.drainAt.get(p) ?? 0) - now)
  }

  /** The rate of `p`'s latest busy run, 0 before it has one. */
  paced (p: P): number { return this.paces.get(p)?.rate ?? 0 }

  /** A block we asked `p` for arrived: it answers (no longer stalled), and when. */
  answered (p: P, now: number): void {
    this.lastBlock.set(p, now)
    this.stalledPeers.delete(p)
  }

  /** We cancelled a block of `length` at `p`: it may still send it, ahead of what we ask next. */
  cancelled (p: P, length: number, now: number): void {
    this.drainAt.set(p, Math.max(this.drainAt.get(p) ?? 0, now) + length * 1000 / this.rate(p, now))
  }

  /**
   * A block arrived from `p` (one we asked for, asked `sentAt`, or one we cancelled): extends its
   * busy run, or starts one. A block asked after the one before it had left the peer (sent later
   * than that block's arrival less the round trip) starts a new run: the gap before it was our
   * request's way there, not the peer's pace. Counted in the run, those gaps made a 20 Mbit peer
   * 40 ms away that was asked a few blocks at a time look like 3 Mbit (377 KiB/s in the
   * simulator), and after a pause a read's blocks went to slow peers it then waited for.
   */
  pace (p: P, now: number, sentAt = -Infinity): void {
    let s = this.paces.get(p)
    if (s === undefined) { s = { times: [], rate: 0 }; this.paces.set(p, s) }
    const prev = s.times[s.times.length - 1]
    if (prev !== undefined && sentAt > prev - latencyOf(p)) s.times.length = 0
    s.times.push(now)
    if (s.times.length > PACE_WINDOW) s.times.shift()
    const span = now - s.times[0]!
    if (s.times.length >= PACE_BLOCKS && span >= PACE_MS) s.rate = (s.times.length - 1) * BLOCK * 1000 / span
    // its queue ran dry (nothing asked, nothing cancelled left to send): the gap until the next
    // block is our request's round trip, not its pace
    if (p.outstanding.size === 0 && this.backlog(p, now) === 0) s.times.length = 0
  }
}
