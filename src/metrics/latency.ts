// Read latency as players feel it: p50/p99 per key (a torrent, a file, a client) over the
// most recent reads, and a log of stalls (a read that waited more than a second), with the
// piece it waited on and how many peers were connected, to tell "no peer has it" apart
// from "we asked too late".

export interface LatencySummary { count: number, p50: number, p99: number, max: number }

/** Nearest-rank percentile of ascending `sorted` (p in 0..100); NaN for no samples. */
export function percentile (sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

interface Ring { samples: Float64Array, next: number, count: number }

export interface LatencyOptions {
  /** recent samples kept per key; default 512 */
  window?: number
  /** keys tracked; the one recorded least recently is dropped first; default 256 */
  maxKeys?: number
}

export class LatencyTracker {
  private readonly rings = new Map<string, Ring>()
  private readonly window: number
  private readonly maxKeys: number

  constructor (opts: LatencyOptions = {}) {
    this.window = opts.window ?? 512
    this.maxKeys = opts.maxKeys ?? 256
    if (!(this.window >= 1) || !(this.maxKeys >= 1)) throw new RangeError('window and maxKeys must be >= 1')
  }

  /** One read of `ms` milliseconds for `key`. */
  record (key: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return
    let r = this.rings.get(key)
    if (r === undefined) {
      r = { samples: new Float64Array(this.window), next: 0, count: 0 }
    } else {
      this.rings.delete(key) // re-inserted below: Map order is recency order
    }
    this.rings.set(key, r)
    r.samples[r.next] = ms
    r.next = (r.next + 1) % this.window
    r.count = Math.min(this.window, r.count + 1)
    while (this.rings.size > this.maxKeys) {
      const oldest = this.rings.keys().next().value
      if (oldest === undefined) break
      this.rings.delete(oldest)
    }
  }

  summary (key: string): LatencySummary | undefined {
    const r = this.rings.get(key)
    if (r === undefined || r.count === 0) return undefined
    const sorted = r.samples.slice(0, r.count).sort()
    return { count: r.count, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]! }
  }

  keys (): string[] { return [...this.rings.keys()] }

  delete (key: string): void { this.rings.delete(key) }
}

export interface Stall {
  key: string
  pieceIndex: number
  /** connected peers when the read finished */
  peers: number
  waitedMs: number
  /** wall-clock time the read finished (ms since epoch) */
  at: number
}

export interface StallOptions {
  /** a read waiting longer than this is a stall; default 1000 ms */
  thresholdMs?: number
  /** stalls kept, newest first; default 50 */
  keep?: number
  /** monotonic ms clock; default performance.now */
  now?: () => number
  /** wall clock for `at`; default Date.now */
  clock?: () => number
}

export class StallRecorder {
  /** stalls seen since start, including those no longer kept */
  total = 0
  private readonly list: Stall[] = []
  private readonly thresholdMs: number
  private readonly keep: number
  private readonly now: () => number
  private readonly clock: () => number

  constructor (opts: StallOptions = {}) {
    this.thresholdMs = opts.thresholdMs ?? 1000
    this.keep = opts.keep ?? 50
    this.now = opts.now ?? (() => performance.now())
    this.clock = opts.clock ?? Date.now
  }

  /**
   * Starts timing one read. Call the returned function when it ends (with the piece it
   * waited on and the peer count then); it returns the stall recorded, or null for a quick read.
   */
  start (): (info: { key: string, pieceIndex: number, peers: number }) => Stall | null {
    const t0 = this.now()
    let done = false
    return (info) => {
      if (done) return null
      done = true
      return this.record({ ...info, waitedMs: this.now() - t0 })
    }
  }

  /**
   * Records a read that already ended; only waits above the threshold count. `peers` may be
   * asked for only then: counting a torrent's peers for every read cost more than the reads'
   * bookkeeping otherwise does.
   */
  record (s: { key: string, pieceIndex: number, peers: number | (() => number), waitedMs: number }): Stall | null {
    if (!(s.waitedMs > this.thresholdMs)) return null
    const peers = typeof s.peers === 'number' ? s.peers : s.peers()
    const stall: Stall = { key: s.key, pieceIndex: s.pieceIndex, peers, waitedMs: s.waitedMs, at: this.clock() }
    this.total++
    this.list.unshift(stall)
    if (this.list.length > this.keep) this.list.length = this.keep
    return stall
  }

  /** The most recent stalls, newest first (a copy). */
  recent (): Stall[] { return [...this.list] }
}
