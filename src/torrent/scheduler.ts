// Which blocks to ask which peer for. The wants come from WantSources (pending reads, reader
// windows, prefetch handles; see wants.ts), each with a class:
//   urgent      a read is blocked on the piece: its blocks are spread over the peers that
//               have it (spreadUrgent), each to the peer expected to deliver it first by its
//               round trip and pace (its latest back-to-back blocks); a peer that has not
//               delivered anything yet takes two; the last blocks wait for room at near
//               fast peers when those can deliver them all before a slow one could. A
//               block is duplicated to another (measured) peer when it would deliver it
//               well before every copy asked (the later of two copies is then cancelled),
//               when an idle peer could deliver one queued deep elsewhere, near the
//               deadline, or after STEAL_AFTER_MS (endgame for urgent pieces only);
//   readahead   a reader's window ahead of its position, nearest first;
//   deferred    a read nobody waits for yet: served like read-ahead, behind every window;
//   background  explicit prefetch (head/tail of files, next episode), lowest: only once
//               other work has been quiet a moment, a quarter pipeline deep.
// Nothing outside the wants is ever requested. When the wants change (seek, cancelled read)
// in-flight pieces nobody wants any more are dropped and their requests cancelled; their
// buffers are kept a while as orphans, because a peer that had already queued the blocks
// sends them anyway, and a completed orphan is a verified piece for the cache.
// Spreading (fewest outstanding first) makes a blocked read wait for one slice of each peer's
// queue, not for a whole piece from one.
import { BLOCK, blockCount, pieceSize } from './metadata.ts'
import { MIN_PIPELINE } from './pipeline.ts'
import type { TorrentInfo } from './types.ts'
import { latencyOf, measured, PeerEstimates, UNKNOWN_LATENCY_MS, type PeerLike } from './peer-estimates.ts'
import { gatherWants, orderWants, type Want, type WantSource } from './wants.ts'

export type { Want, WantSource } from './wants.ts'
export type { PeerLike } from './peer-estimates.ts'

export interface SchedulerHooks<P extends PeerLike> {
  have (piece: number): boolean
  /** send REQUEST (the scheduler has recorded it in peer.outstanding) */
  send (peer: P, piece: number, offset: number, length: number): void
  /** send CANCEL (already removed from peer.outstanding) */
  cancel (peer: P, piece: number, offset: number, length: number): void
  /** memory for a piece to assemble (default: a new buffer); the completed piece returns it */
  alloc?: (size: number) => Buffer
  /** a piece's memory from alloc that will not complete (dropped for good, or started over) */
  free?: (buf: Buffer) => void
}

interface InFlight<P> {
  piece: number
  size: number
  buf: Buffer
  got: Uint8Array
  received: number
  requesters: Array<Set<P> | undefined>
  sentAt: Float64Array
  cursor: number
  contributors: Set<P>
  /** when the piece stopped being wanted (orphans only) */
  droppedAt: number
}

export const STEAL_AFTER_MS = 1500
const DEADLINE_RUSH_MS = 3000
const MAX_DUPLICATES = 2
/** a duplicate must be expected this much sooner than the block it races (and 1.5x) */
const DUPLICATE_MARGIN_MS = 20
/**
 * Urgent blocks may take a peer's queue this many blocks past its pipeline, so a blocked read
 * is not stuck behind read-ahead, yet never commits a whole read to one peer: a read the
 * player abandons (a seek) leaves little behind it.
 */
const URGENT_EXTRA = 4
function urgentCap (p: PeerLike): number { return p.maxOutstanding + URGENT_EXTRA }
/**
 * An unmeasured peer (no block from it yet: its rate may be 0.5 or 20 Mbit, or it may never
 * answer) takes at most this many fresh urgent blocks while other peers hold the piece; the
 * rest goes to peers as they show their pace, one round trip later. Giving every newcomer a
 * pipeline's worth put a quarter of a 1 MiB piece behind the slowest and silent peers.
 */
const UNMEASURED_URGENT = 2
/**
 * A measured peer's urgent queue may reach what it delivers in its round trip plus this (at
 * its pace): a fast peer is never idle waiting for its next request, and still only takes a
 * block when it would deliver it first (see eta).
 */
const URGENT_AHEAD_MS = 50
/**
 * A shallow want (a window nobody may read: a probing reader's, see wants.ts) gets a block of a
 * peer only while the peer has fewer requests than this outstanding: idle peers stay busy, and
 * the next read waits behind one block at most. At full depth (two round trips of every peer's
 * rate), a 1 MiB swarm kept two pieces queued behind every probe, and the player's next probe
 * (the Cues at the end, a seek) waited for them: 3.6x the one-piece time in the simulator,
 * 2.4x at one block.
 */
const SHALLOW_DEPTH = 1
/**
 * Background work (pins, next-episode warm-up) fills at most a quarter of a peer's pipeline
 * (about half a round trip plus 5 ms of its rate, see pipelineBlocks): nobody waits for it,
 * and what it has queued at the peer is what the next read waits behind.
 */
function backgroundCap (p: PeerLike): number { return Math.max(1, Math.floor(p.maxOutstanding / 4)) }
/**
 * Background work waits until no other block was requested or received for this
 * long: a player that seeks again and again (scrubbing, ffmpeg's probe-then-seek) would find
 * each seek queued behind what the gap before it let in.
 */
export const BACKGROUND_HOLDOFF_MS = 500
/** orphans are kept this long after their last block, and up to this many bytes in all */
const ORPHAN_MS = 10_000
const ORPHAN_BYTES = 32 * 1024 * 1024

export function blockKey (piece: number, block: number): number { return piece * 4096 + block }

/** Blocks an idle peer may duplicate from a busy one: those with at least this many queued ahead. */
const STEAL_BEHIND = 2

/** Requests `peer` was sent before the one for `key` (its queue is FIFO), or -1 if not outstanding. */
function queuedAhead (peer: PeerLike, key: number): number {
  let i = 0
  for (const k of peer.outstanding.keys()) {
    if (k === key) return i
    i++
  }
  return -1
}

/** Block `b` of `f` is in, or requested from some peer. */
function taken (f: InFlight<unknown>, b: number): boolean {
  return f.got[b] === 1 || (f.requesters[b]?.size ?? 0) > 0
}

export class Scheduler<P extends PeerLike> {
  readonly sources = new Set<WantSource>()
  readonly inflight = new Map<number, InFlight<P>>()
  /** dropped pieces whose cancelled blocks may still arrive, oldest first */
  private readonly orphans = new Map<number, InFlight<P>>()
  private orphanBytes = 0
  private wantMap = new Map<number, Want>()
  private wantList: Want[] = []
  private dirty = true
  /** bumped by every request, release and arrival: blocked() is computed again after one */
  private epoch = 0
  private blockedMemo = { epoch: -1, now: -1, value: false }
  /** when an urgent or read-ahead block was last requested or received */
  private lastForeground = -Infinity
  /** when each peer should deliver (round trip, pace, what it owes) */
  private readonly est = new PeerEstimates<P>()

  /** See PeerEstimates.stalled: a stalled peer gets no new requests, its urgent blocks are duplicated. */
  stalled (p: P, now: number): boolean { return this.est.stalled(p, now) }

  /** When block `key`, asked of `q`, should arrive: Infinity from a stalled peer. */
  private arrival (q: P, key: number, sentAt: number, now: number): number {
    if (this.stalled(q, now)) return Infinity
    const ahead = Math.max(0, queuedAhead(q, key))
    const transfer = (ahead + 1) * BLOCK * 1000 / this.est.rate(q)
    const due = sentAt + latencyOf(q) + transfer
    // overdue (a queue we cannot see: blocks cancelled at a throttled peer still come first,
    // or a host gone quiet): the longer it is late, the later it is expected
    return now <= due ? Math.max(sentAt + latencyOf(q), now + transfer) : now + (now - due)
  }

  constructor (private readonly info: TorrentInfo, private readonly hooks: SchedulerHooks<P>) {}

  /** How many urgent requests `p` may hold (see UNMEASURED_URGENT, URGENT_AHEAD_MS). */
  private urgentLimit (p: P, alone: boolean): number {
    if (!measured(p)) return alone ? urgentCap(p) : Math.min(urgentCap(p), UNMEASURED_URGENT)
    const paced = this.est.paced(p)
    return Math.max(urgentCap(p), Math.ceil(paced * (latencyOf(p) + URGENT_AHEAD_MS) / 1000 / BLOCK))
  }

  /**
   * Blocks the `holders` other than `skip` could deliver within `ms` from now beyond what they
   * already owe: each one's round trip, then its pace.
   */
  private spare (holders: readonly P[], skip: P, ms: number, now: number): number {
    let n = 0
    for (const p of holders) if (p !== skip) n += Math.max(0, Math.floor((ms - latencyOf(p) - this.est.backlog(p, now)) * this.est.rate(p, now) / 1000 / BLOCK) - p.outstanding.size)
    return n
  }

  /** Call when any source's wants changed. */
  invalidate (): void { this.dirty = true }

  wants (): Want[] {
    if (!this.dirty) return this.wantList
    this.wantMap = gatherWants(this.sources, this.info.pieceCount)
    this.wantList = orderWants(this.wantMap)
    this.dirty = false
    this.epoch++
    this.dropUnwanted()
    return this.wantList
  }

  /** Wanted pieces (any class) are pinned in the cache. */
  pinned (piece: number): boolean { this.wants(); return this.wantMap.has(piece) }
  wanted (piece: number): Want | undefined { this.wants(); return this.wantMap.get(piece) }

  private dropUnwanted (): void {
    const now = Date.now()
    for (const [piece, f] of this.inflight) {
      if (this.wantMap.has(piece)) continue
      this.inflight.delete(piece)
      f.requesters.forEach((set, b) => {
        if (set === undefined) return
        for (const peer of set) this.unrecord(peer, piece, b, true)
      })
      // (unrecord only clears the requesters of pieces still in flight)
      f.requesters.fill(undefined)
      f.cursor = 0
      f.droppedAt = now
      this.orphans.set(piece, f)
      this.orphanBytes += f.size
    }
    this.pruneOrphans(now)
  }

  private pruneOrphans (now: number): void {
    for (const [piece, f] of this.orphans) {
      if (this.orphanBytes <= ORPHAN_BYTES && now - f.droppedAt < ORPHAN_MS) break
      this.forgetOrphan(piece, f)
      this.hooks.free?.(f.buf)
    }
  }

  /**
   * The torrent sleeps or closes: pieces nobody wants go now, their memory back to the pool
   * (an idle server holds none); pieces still wanted stay in flight for when it wakes.
   */
  dropOrphans (): void {
    this.wants()
    this.dropUnwanted()
    for (const [piece, f] of [...this.orphans]) {
      this.forgetOrphan(piece, f)
      this.hooks.free?.(f.buf)
    }
  }

  private forgetOrphan (piece: number, f: InFlight<P>): void {
    this.orphans.delete(piece)
    this.orphanBytes -= f.size
  }

  private start (piece: number): InFlight<P> {
    const orphan = this.orphans.get(piece)
    if (orphan !== undefined) {
      // wanted again (a seek back): the blocks that arrived meanwhile are kept
      this.forgetOrphan(piece, orphan)
      orphan.cursor = 0
      this.inflight.set(piece, orphan)
      return orphan
    }
    const size = pieceSize(this.info, piece)
    const n = blockCount(this.info, piece)
    const f: InFlight<P> = { piece, size, buf: this.hooks.alloc?.(size) ?? Buffer.allocUnsafe(size), got: new Uint8Array(n), received: 0, requesters: new Array(n), sentAt: new Float64Array(n), cursor: 0, contributors: new Set(), droppedAt: 0 }
    this.inflight.set(piece, f)
    return f
  }

  private record (peer: P, f: InFlight<P>, b: number, now: number): void {
    const offset = b * BLOCK
    const length = Math.min(BLOCK, f.size - offset)
    peer.outstanding.set(blockKey(f.piece, b), { piece: f.piece, block: b, offset, length, sentAt: now })
    let set = f.requesters[b]
    if (set === undefined) { set = new Set(); f.requesters[b] = set }
    set.add(peer)
    f.sentAt[b] = now
    this.noteForeground(f.piece, now)
    this.epoch++
    this.hooks.send(peer, f.piece, offset, length)
  }

  /** A block of `piece` was requested or received: unless it is background work, background waits. */
  private noteForeground (piece: number, now: number): void {
    const cls = this.wantMap.get(piece)?.class
    if (cls !== undefined && cls !== 'background') this.lastForeground = now
  }

  private unrecord (peer: P, piece: number, b: number, sendCancel: boolean): void {
    const o = peer.outstanding.get(blockKey(piece, b))
    if (o === undefined) return
    peer.outstanding.delete(blockKey(piece, b))
    this.epoch++
    const f = this.inflight.get(piece)
    if (f !== undefined) {
      f.requesters[b]?.delete(peer)
      if (b < f.cursor) f.cursor = b
    }
    if (sendCancel) {
      const now = Date.now()
      this.est.cancelled(peer, o.length, now)
      this.hooks.cancel(peer, piece, o.offset, o.length)
    }
  }

  /**
   * Requests the urgent pieces' unrequested blocks, each from the peer among `peers` holding
   * the piece expected to deliver it first (see eta: a slow peer drains its queue slowly, so
   * it gets fewer). `joining` are peers that hold pieces but have not unchoked us yet, moments
   * after connecting: each keeps back the blocks it would deliver sooner than the unchoked
   * ones once it does, instead of the first peer to unchoke taking a whole piece into its
   * queue, or the unchoked ones idling while a distant peer joins. `budget` caps
   * new requests. Returns the number sent.
   */
  spreadUrgent (peers: readonly P[], now = Date.now(), budget = Infinity, joining: readonly P[] = []): number {
    let sent = 0
    for (const w of this.wants()) {
      if (w.class !== 'urgent' || sent >= budget) break
      if (this.hooks.have(w.piece)) continue
      const holders = peers.filter((p) => p.has(w.piece) && !this.stalled(p, now))
      if (holders.length === 0) continue
      const f = this.inflight.get(w.piece) ?? this.start(w.piece)
      const n = f.got.length
      const waiting = joining.filter((p) => p.has(w.piece))
      // blocks kept back for each joining peer: a joining peer keeps a block it would deliver
      // (once it unchokes, about one unknown round trip away) before any unchoked peer could
      const kept = new Map<P, number>()
      // blocks of the piece nobody was asked for yet, from here on
      let rest = 0
      for (let b = f.cursor; b < n; b++) if (!taken(f, b)) rest++
      for (let b = f.cursor; b < n && sent < budget; b++) {
        if (taken(f, b)) { if (b === f.cursor) f.cursor++; continue }
        // the peer that would deliver it first: a fast peer takes several blocks for each one
        // of a slow peer (all alike until measured: fewest outstanding first)
        let best: P | undefined
        let bestEta = Infinity
        let fullEta = Infinity
        for (const p of holders) {
          const e = this.est.eta(p, p.outstanding.size, now)
          if (p.outstanding.size >= this.urgentLimit(p, holders.length === 1)) { fullEta = Math.min(fullEta, e); continue }
          if (e < bestEta) { best = p; bestEta = e }
        }
        if (best === undefined) break
        // a peer at its urgent limit would deliver sooner than the best one with room, and the
        // other peers can deliver the rest of the piece before the best one would: the rest
        // waits for room at them instead (a 1 MiB piece's last blocks went to the 1 Mbit peer
        // 250 ms away, or the silent one, whenever the near ones were at their limit)
        if (fullEta < bestEta && this.spare(holders, best, bestEta, now) >= rest) break
        rest--
        let joiner: P | undefined
        let joinerEta = bestEta
        for (const p of waiting) {
          const e = UNKNOWN_LATENCY_MS + this.est.eta(p, p.outstanding.size + (kept.get(p) ?? 0))
          if (e < joinerEta) { joiner = p; joinerEta = e }
        }
        if (joiner !== undefined) { kept.set(joiner, (kept.get(joiner) ?? 0) + 1); continue }
        this.record(best, f, b, now)
        sent++
      }
    }
    return sent
  }

  /**
   * Fills `peer`'s pipeline from the wants (read-ahead, deferred and background; urgent blocks only as
   * duplicates of ones outstanding too long, see STEAL_AFTER_MS); `budget` caps new requests
   * (rate limiting). Returns the number of requests sent.
   */
  fill (peer: P, now = Date.now(), budget = Infinity): number {
    let sent = 0
    peer.pipelineLimited = false
    const probe = this.stalled(peer, now)
    const blocked = this.blocked(now)
    for (const w of this.wants()) {
      if (probe && w.class === 'urgent') continue
      // while a read waits, a peer's queue is for the awaited piece: work for later would be
      // a commitment (a throttled peer cannot take it back) that the next read waits behind
      const limit = probe ? 1 : w.class === 'urgent' ? this.urgentLimit(peer, true) : w.shallow ? SHALLOW_DEPTH : blocked ? Math.min(MIN_PIPELINE, peer.maxOutstanding) : w.class === 'background' ? backgroundCap(peer) : peer.maxOutstanding
      const slots = limit - peer.outstanding.size
      const cap = Math.min(budget - sent, slots)
      if (cap <= 0) {
        if (w.class === 'urgent') continue
        // more to ask this peer for than its pipeline holds (see Peer.sampleLatency)
        if (peer.outstanding.size >= peer.maxOutstanding && this.requestable(peer, w.piece)) peer.pipelineLimited = true
        // (deeper wants after shallow ones: those of other classes)
        if (w.shallow) continue
        break
      }
      if (w.class === 'background' && now - this.lastForeground < BACKGROUND_HOLDOFF_MS) break
      if (this.hooks.have(w.piece) || !peer.has(w.piece)) continue
      const urgent = w.class === 'urgent'
      // an urgent piece's fresh blocks are spreadUrgent()'s: here they are only duplicated
      const f = this.inflight.get(w.piece) ?? (urgent ? undefined : this.start(w.piece))
      if (f === undefined) continue
      let room = cap
      const n = f.got.length
      for (let b = f.cursor; b < n && room > 0 && !urgent; b++) {
        if (taken(f, b)) { if (b === f.cursor) f.cursor++; continue }
        this.record(peer, f, b, now)
        room--
      }
      if (room > 0 && urgent) room = this.duplicateUrgent(peer, f, room, w.deadline, now)
      sent += cap - room
    }
    return sent
  }

  /**
   * The blocks of an urgent piece already asked of other peers that `peer` should be asked too
   * (see fill): returns the room left. Its own method so that the endgame, which runs late in a
   * process's life, does not send the whole of fill() back through the optimizing compiler when
   * it first runs (fill() was compiled three times in a fresh server's first read).
   */
  private duplicateUrgent (peer: P, f: InFlight<P>, room: number, deadline: number, now: number): number {
    const n = f.got.length
    const rush = deadline - now < DEADLINE_RUSH_MS
    // an idle peer also takes blocks queued behind others at a busy peer (typically one that
    // unchoked us first and got a whole piece before the rest of the swarm was ready)
    const idle = peer.outstanding.size === 0 && this.est.backlog(peer, now) === 0
    // endgame of the piece a read waits on: this peer takes a block too when it would
    // deliver it well before every peer already asked (a slow or distant one, one deep in
    // its queue, or a stalled one, which never counts)
    const mine = this.est.eta(peer, peer.outstanding.size, now)
    const known = measured(peer)
    const key0 = blockKey(f.piece, 0)
    for (let b = 0; b < n && room > 0; b++) {
      const set = f.requesters[b]
      if (f.got[b] === 1 || set === undefined || set.has(peer)) continue
      let live = 0
      let first = Infinity
      let worst: P | undefined
      let worstAt = -Infinity
      for (const q of set) {
        // each copy from when it was asked (f.sentAt is the latest copy's)
        const t = this.arrival(q, key0 + b, q.outstanding.get(key0 + b)?.sentAt ?? f.sentAt[b]!, now)
        if (t < Infinity) live++
        first = Math.min(first, t)
        if (t >= worstAt) { worst = q; worstAt = t }
      }
      // an unmeasured peer only takes what stalled peers hold (or near the deadline): it
      // may never answer (a silent peer took duplicate after duplicate), and nobody knows when
      if (!known && live > 0 && !rush) continue
      const late = first > now + 1.5 * mine + DUPLICATE_MARGIN_MS
      if (live >= MAX_DUPLICATES) {
        if (!late || worst === undefined) continue
        // every copy is expected well after this peer would deliver it (a slow peer took
        // the duplicate of a silent one's block): the latest gives its copy up, so
        // duplicates stay bounded and the block still goes to the fastest peer
        this.unrecord(worst, f.piece, b, true)
      }
      if (late || rush || now - f.sentAt[b]! > STEAL_AFTER_MS || (idle && set.size === 1 && queuedAhead([...set][0]!, key0 + b) >= STEAL_BEHIND)) {
        this.record(peer, f, b, now)
        room--
      }
    }
    return room
  }

  /**
   * A read waits on a block no live peer was asked for: an urgent piece in flight lacks a block
   * that is neither requested nor requested only of stalled peers. While it does, other work
   * keeps at most MIN_PIPELINE requests a peer (the slots are the awaited piece's); once every
   * awaited block is asked of a live peer, read-ahead fills the pipelines again, behind the
   * urgent duplicates fill() places first. Held to two blocks a peer whenever a read waited, a
   * reader faster than the swarm (a sequential read at full speed) idled a round trip between
   * pieces: 16 MiB/s where torrent-stream made 37 on loopback. Memoised per change and instant.
   */
  private blocked (now: number): boolean {
    const m = this.blockedMemo
    if (m.epoch === this.epoch && m.now === now) return m.value
    let value = false
    for (const w of this.wants()) {
      if (w.class !== 'urgent') break
      const f = this.inflight.get(w.piece)
      if (f !== undefined && this.lacksLiveRequest(f, now)) { value = true; break }
    }
    // wants() above may have bumped the epoch
    this.blockedMemo = { epoch: this.epoch, now, value }
    return value
  }

  /** `f` lacks a block that is neither received nor asked of a peer that is not stalled. */
  private lacksLiveRequest (f: InFlight<P>, now: number): boolean {
    if (f.received === f.got.length) return false
    if (f.cursor < f.got.length && !taken(f, f.cursor)) return true
    for (let b = 0; b < f.got.length; b++) {
      if (f.got[b] === 1) continue
      let live = false
      const set = f.requesters[b]
      if (set !== undefined) for (const q of set) if (!this.stalled(q, now)) { live = true; break }
      if (!live) return true
    }
    return false
  }

  /** Roughly: `peer` has a block of `piece` that nobody was asked for yet. */
  private requestable (peer: P, piece: number): boolean {
    if (this.hooks.have(piece) || !peer.has(piece)) return false
    const f = this.inflight.get(piece)
    return f === undefined || f.cursor < f.got.length
  }

  /**
   * A block arrived, requested or not. It is kept when its piece is in flight or an orphan and
   * still lacks it. Returns the completed piece (buffer + contributing peers) when it was the
   * last missing block, else null. Duplicate requests for the block at other peers are cancelled.
   */
  onBlock (peer: P, piece: number, offset: number, data: Uint8Array, now = Date.now()): { piece: number, buf: Buffer, contributors: Set<P> } | null {
    const b = offset / BLOCK
    if (!Number.isInteger(b)) return null
    const key = blockKey(piece, b)
    const o = peer.outstanding.get(key)
    if (o !== undefined) {
      peer.outstanding.delete(key)
      peer.sampleLatency(now - o.sentAt)
      this.est.pace(peer, now, o.sentAt)
      this.est.answered(peer, now)
    } else if (this.est.backlog(peer, now) > 0) {
      // a block we cancelled, sent anyway: it shows the peer's pace as well as one we wait for
      // (a distant peer whose blocks all came after their read was done was never paced, and
      // counted at a tenth of its rate)
      this.est.pace(peer, now)
    }
    const live = this.inflight.get(piece)
    const f = live ?? this.orphans.get(piece)
    if (f === undefined || b >= f.got.length) return null
    if (live !== undefined) this.noteForeground(piece, now)
    f.requesters[b]?.delete(peer)
    if (f.got[b] === 1 || data.length !== Math.min(BLOCK, f.size - offset)) return null
    f.buf.set(data, offset)
    f.got[b] = 1
    this.epoch++
    f.received++
    f.contributors.add(peer)
    const others = f.requesters[b]
    if (others !== undefined) for (const other of others) this.unrecord(other, piece, b, true)
    f.requesters[b] = undefined
    if (live === undefined) {
      // an orphan's clock restarts with each block: its peer is still draining its queue
      this.orphans.delete(piece)
      f.droppedAt = now
      this.orphans.set(piece, f)
    }
    if (f.received < f.got.length) return null
    if (live !== undefined) this.inflight.delete(piece)
    else this.forgetOrphan(piece, f)
    return { piece, buf: f.buf, contributors: f.contributors }
  }

  /** A request failed (choke, reject, timeout, closed wire): the block may go elsewhere. */
  release (peer: P, piece: number, offset: number, sendCancel = false): void {
    this.unrecord(peer, piece, offset / BLOCK, sendCancel)
  }

  /** Forgets every request to `peer` (it closed). */
  dropPeer (peer: P): void {
    for (const o of [...peer.outstanding.values()]) this.unrecord(peer, o.piece, o.block, false)
  }

  /** Drops every in-flight piece `peer` contributed blocks to (it was caught sending bad data). */
  discardFrom (peer: P): void {
    for (const f of [...this.inflight.values()]) if (f.contributors.has(peer)) this.discard(f.piece)
    for (const [piece, f] of [...this.orphans]) {
      if (!f.contributors.has(peer)) continue
      this.forgetOrphan(piece, f)
      this.hooks.free?.(f.buf)
    }
  }

  /** A piece failed its hash check: start it over. */
  discard (piece: number): void {
    const f = this.inflight.get(piece)
    if (f === undefined) return
    this.inflight.delete(piece)
    f.requesters.forEach((set, b) => { if (set !== undefined) for (const p of set) this.unrecord(p, piece, b, true) })
    this.hooks.free?.(f.buf)
  }
}
