// The prioritiser's decisions, as pure code (the engine carries them out):
//   1. urgent: the bytes a read is blocked on (the engine does this for every pending read);
//   2. read-ahead: each reader's window, sized from the rate the player really consumes;
//   3. head/tail: the container's header and index ranges (or header_bytes/footer_bytes
//      estimates) and the start of the media, at background priority, pinned while assigned.
import type { PiecePriority } from '../torrent/types.ts'
import type { Config } from '../config/schema.ts'
import type { PlaybackLayout } from './container/index.ts'
import { headTail, mergeRanges } from './container/ranges.ts'
import { ReadRateEstimator, readaheadBytes, type RateOptions } from './readahead.ts'

export interface StreamingSettings {
  /** upper bound of a reader's window (streaming.readahead_bytes) */
  readaheadBytes: number
  /** lower bound of a reader's window, and how much media start is warmed (streaming.urgent_bytes) */
  urgentBytes: number
  headerBytes: number
  footerBytes: number
  /** seconds of the observed read rate kept ahead of each reader */
  readaheadSeconds: number
  /** a new or reopened handle's window for its first probeMs (see ReadaheadController) */
  probeWindowBytes: number
  probeMs: number
}

/** Seconds of playback kept ahead: covers a swarm hiccup, small enough not to hog the cache. */
export const READAHEAD_SECONDS = 20
/**
 * How long a new or reopened handle counts as a probe. Players open many short-lived requests:
 * ffmpeg -ss reads the header, the index and the first cluster (each a new GET, 5-90 ms) before
 * the one at the seek target, and the server fills the socket buffers far ahead of what such a
 * request really consumes. A full window on each would request megabytes nobody reads, in front
 * of the seek. Playback keeps its request open for seconds, so it gets its window after this.
 */
const PROBE_MS = 250
const PROBE_WINDOW_BYTES = 512 * 1024

export function streamingSettings (s: Readonly<Config['streaming']>): StreamingSettings {
  return {
    readaheadBytes: s.readahead_bytes,
    urgentBytes: Math.min(s.urgent_bytes, s.readahead_bytes),
    headerBytes: s.header_bytes,
    footerBytes: s.footer_bytes,
    readaheadSeconds: READAHEAD_SECONDS,
    probeWindowBytes: Math.min(PROBE_WINDOW_BYTES, s.urgent_bytes, s.readahead_bytes),
    probeMs: PROBE_MS
  }
}

/**
 * One reader's window. Every delivered read feeds the rate estimate; the window becomes
 * `readaheadSeconds` of that rate, clamped to [urgentBytes, readaheadBytes], and is pushed to
 * the engine only when it moved by a quarter or more (each push re-plans the torrent's wants).
 * A read that does not continue the previous one is a seek: the estimate and the sequential
 * run restart, so the window shrinks at once instead of pulling bytes past a stale position.
 * For its first probeMs after opening or resuming, a handle is a probe and its window at most
 * probeWindowBytes, and shallow (each peer gets a block of it only while nothing else is queued
 * there): enough to keep idle peers busy while it reads, little queued at the seeders in front
 * of the player's next request when it hangs up after a few kilobytes. The server reads ahead
 * of what the player takes (the socket buffers), so the engine's own sign of a stream (a read
 * that continues the one before) comes within milliseconds even for a probe.
 */
export class ReadaheadController {
  private readonly rate: ReadRateEstimator
  private readonly now: () => number
  private applied = -1
  /** the window last pushed was shallow (pushed while probing) */
  private appliedShallow = false
  private lastEnd = -1
  private suspended = false
  private probingSince: number
  /** bytes read back to back since the last seek (next-episode warm-up looks at this) */
  run = 0

  constructor (private readonly settings: StreamingSettings, private readonly apply: (bytes: number, shallow: boolean) => void, rate: RateOptions = {}) {
    this.rate = new ReadRateEstimator(rate)
    this.now = rate.now ?? (() => performance.now())
    this.probingSince = this.now()
  }

  /** The window last pushed to the engine (-1 before the first read). */
  get window (): number { return this.suspended ? 0 : this.applied }

  /** End of the last read (-1 before the first). */
  get position (): number { return this.lastEnd }

  /** True when a read at `offset` continues this reader's stream (within its window). */
  continues (offset: number): boolean {
    if (this.lastEnd < 0) return false
    const slack = Math.max(this.settings.urgentBytes, this.applied)
    return offset >= this.lastEnd - slack && offset <= this.lastEnd + slack
  }

  /** `length` bytes at `offset` reached the player. */
  onRead (offset: number, length: number): void {
    if (this.lastEnd >= 0 && offset !== this.lastEnd && !this.continues(offset)) {
      this.rate.reset()
      this.run = 0
    }
    this.run = offset === this.lastEnd || this.lastEnd < 0 ? this.run + length : length
    this.lastEnd = offset + length
    this.rate.record(length)
    this.suspended = false
    // Slow start: a run never gets a window over twice what it has read. A player buffering
    // after a seek reads as fast as the swarm delivers, which says nothing about its bitrate;
    // a probe or a seek session (ffmpeg -ss T -t 2) stops after a megabyte or two, and pieces
    // requested far ahead of it only queue in front of the next urgent read at the seeders.
    const byRate = readaheadBytes(this.rate.rate(), { min: this.settings.urgentBytes, max: this.settings.readaheadBytes, seconds: this.settings.readaheadSeconds })
    let target = Math.max(Math.min(this.settings.urgentBytes, byRate), Math.min(byRate, 2 * this.run))
    const probing = this.probing
    if (probing) target = Math.min(target, this.settings.probeWindowBytes)
    const atBound = target === this.settings.urgentBytes || target === this.settings.readaheadBytes || target === this.settings.probeWindowBytes
    if (this.applied < 0 || Math.abs(target - this.applied) * 4 >= this.applied || (atBound && target !== this.applied) || probing !== this.appliedShallow) {
      this.applied = target
      this.appliedShallow = probing
      this.apply(target, probing)
    }
  }

  /** Stops the window (the handle closed, or a parked reader was superseded). */
  suspend (): void {
    if (this.suspended || this.applied <= 0) return
    this.suspended = true
    this.apply(0, false)
  }

  /** Restores the window after suspend(): the reader was adopted by a reopen, which is a probe again. */
  resume (): void {
    if (!this.suspended) return
    this.suspended = false
    this.probingSince = this.now()
    this.applied = Math.min(this.applied, this.settings.probeWindowBytes)
    this.appliedShallow = this.probing
    this.apply(this.applied, this.appliedShallow)
  }

  /** Opened or resumed less than probeMs ago. */
  get probing (): boolean { return this.now() - this.probingSince < this.settings.probeMs }
}

export interface PlannedRange { offset: number, length: number, priority: PiecePriority }

/** Where media starts: the layout's mediaOffset, else right after the first (header) range. */
function mediaStart (layout: PlaybackLayout): number {
  return layout.mediaOffset ?? (layout.ranges[0] !== undefined && layout.ranges[0].offset === 0 ? layout.ranges[0].length : 0)
}

/** The layout's ranges, or head/tail estimates when no layout is known. */
export function indexRanges (layout: PlaybackLayout | null, size: number, s: StreamingSettings): Array<{ offset: number, length: number }> {
  if (layout !== null) return layout.ranges.map((r) => ({ offset: r.offset, length: r.length }))
  return mergeRanges(headTail(size, s.headerBytes, s.footerBytes), size).map((r) => ({ offset: r.offset, length: r.length }))
}

/**
 * What a player reads first, at first open: the header and index ranges it blocks on
 * ('urgent', known only for a located layout), then the first urgentBytes / 2 of media
 * ('readahead'). Without a layout, head/tail estimates at 'background'.
 */
export function openingPlan (layout: PlaybackLayout | null, size: number, s: StreamingSettings): PlannedRange[] {
  if (layout === null || layout.format === 'unknown') {
    return indexRanges(layout, size, s).map((r) => ({ ...r, priority: 'background' as const }))
  }
  // An index bigger than the estimates (MKV attachments, a huge moov) is not all urgent:
  // past header_bytes + footer_bytes the rest waits at background priority.
  let urgentLeft = s.headerBytes + s.footerBytes
  const plan: PlannedRange[] = layout.ranges.map((r) => {
    const priority = r.length <= urgentLeft ? 'urgent' as const : 'background' as const
    if (priority === 'urgent') urgentLeft -= r.length
    return { offset: r.offset, length: r.length, priority }
  })
  const start = mediaStart(layout)
  // half of urgent_bytes: the first seconds of a typical stream, warmed while the player is
  // still busy with the index; more would only compete with its own reads
  if (start < size) plan.push({ offset: start, length: Math.min(Math.ceil(s.urgentBytes / 2), size - start), priority: 'readahead' })
  return plan
}

/**
 * What stays pinned while a file is assigned (scanner probes and reopens hit the cache): the
 * index ranges, plus the first urgentBytes of media when `withMedia` (ffprobe reads the first
 * seconds of packets; dropped when the pin budget is tight).
 */
export function pinRanges (layout: PlaybackLayout | null, size: number, s: StreamingSettings, withMedia: boolean): Array<{ offset: number, length: number }> {
  const ranges = indexRanges(layout, size, s)
  if (!withMedia || layout === null || layout.format === 'unknown') return ranges
  const start = mediaStart(layout)
  const wanted = [...ranges.map((r) => ({ ...r, reason: 'index' as const })), { offset: start, length: s.urgentBytes, reason: 'head' as const }]
  return mergeRanges(wanted, size).map((r) => ({ offset: r.offset, length: r.length }))
}

/** Total bytes of some ranges. */
export function rangeBytes (ranges: ReadonlyArray<{ length: number }>): number {
  return ranges.reduce((n, r) => n + r.length, 0)
}

/**
 * Next-episode warm-up trigger: a reader that has read a run of at least `minRun` bytes back
 * to back and got past `fraction` of the file. A tail probe (one read near the end) is not
 * playback, so the run matters as much as the position.
 */
export function pastWarmupPoint (ctl: { run: number, position: number }, size: number, fraction: number): boolean {
  if (!(fraction > 0) || size <= 0) return false
  const minRun = Math.min(64 * 1024 * 1024, Math.max(1, Math.floor(size * 0.05)))
  return ctl.run >= minRun && ctl.position >= size * fraction
}
