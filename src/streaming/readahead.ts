// Sizing the read-ahead window from how fast the player actually consumes bytes: a 1080p
// remux reads 5-10 MB/s, an x265 episode 0.3 MB/s. A window of N seconds of the observed
// rate keeps the swarm ahead of the player without pulling a fixed 32 MiB for every reader.

export interface RateOptions {
  /** sliding window; default 5000 ms */
  windowMs?: number
  /** the rate never divides by less than this span, so the first read is not "infinitely fast"; default 1000 ms */
  minSpanMs?: number
  /** monotonic clock in ms; default performance.now */
  now?: () => number
}

/** Buckets per window: memory stays bounded whatever the number of reads. */
const BUCKETS = 20

export class ReadRateEstimator {
  private readonly windowMs: number
  private readonly minSpanMs: number
  private readonly now: () => number
  private readonly bucketMs: number
  /** [bucket start time, bytes], oldest first */
  private buckets: Array<[number, number]> = []
  private firstAt: number | null = null

  constructor (opts: RateOptions = {}) {
    this.windowMs = opts.windowMs ?? 5000
    this.minSpanMs = opts.minSpanMs ?? 1000
    this.now = opts.now ?? (() => performance.now())
    if (!(this.windowMs > 0) || !(this.minSpanMs > 0)) throw new RangeError('windowMs and minSpanMs must be > 0')
    this.bucketMs = this.windowMs / BUCKETS
  }

  /** Counts `bytes` delivered to the player now. */
  record (bytes: number): void {
    if (!(bytes > 0)) return
    const t = this.now()
    this.expire(t)
    this.firstAt ??= t
    const start = Math.floor(t / this.bucketMs) * this.bucketMs
    const last = this.buckets[this.buckets.length - 1]
    if (last !== undefined && last[0] === start) last[1] += bytes
    else this.buckets.push([start, bytes])
  }

  /** Bytes per second over the window (0 before any read or after a pause longer than the window). */
  rate (): number {
    const t = this.now()
    this.expire(t)
    if (this.firstAt === null || this.buckets.length === 0) return 0
    let total = 0
    for (const [, b] of this.buckets) total += b
    const span = Math.max(this.minSpanMs, Math.min(this.windowMs, t - this.firstAt))
    return total * 1000 / span
  }

  /** Forgets everything (a new reader, or the player paused for long). */
  reset (): void {
    this.buckets = []
    this.firstAt = null
  }

  private expire (t: number): void {
    const cutoff = t - this.windowMs
    let i = 0
    while (i < this.buckets.length && this.buckets[i]![0] + this.bucketMs <= cutoff) i++
    if (i > 0) this.buckets.splice(0, i)
    // After an idle gap the span restarts, so a resumed stream is not averaged with silence.
    if (this.buckets.length === 0) this.firstAt = null
  }
}

export interface ReadaheadOptions {
  /** lower bound (streaming.urgent_bytes) */
  min: number
  /** upper bound (streaming.readahead_bytes) */
  max: number
  /** seconds of playback to keep ahead */
  seconds: number
}

/** The window: `seconds` of the observed rate, clamped to [min, max]; min for a rate of 0 or nonsense. */
export function readaheadBytes (rate: number, opts: ReadaheadOptions): number {
  const max = Math.max(0, opts.max)
  const min = Math.min(Math.max(0, opts.min), max)
  if (!Number.isFinite(rate) || rate <= 0 || !(opts.seconds > 0)) return min
  return Math.min(max, Math.max(min, Math.ceil(rate * opts.seconds)))
}
