// The figures the app exposes: per-file read latency and stalls (GET /api/torrents/:hash) and
// the Prometheus page at /metrics. The streaming layer reports reads, probes and opens here;
// torrent totals (bytes, peers, states, cache) are mirrored from the engine at scrape time.
import type { TorrentService, TorrentState } from '../torrent/types.ts'
import { LatencyTracker, StallRecorder, type Stall } from './latency.ts'
import { Registry, type Counter, type Histogram } from './registry.ts'

/** Totals for one file of one torrent since start. */
export interface FileCounters {
  reads: number
  bytes: number
  errors: number
  stalls: number
  /** handles opened on a file with no state (a cold open) */
  opens: number
  /** handles that found the file's state kept (another handle open, or within handle_grace) */
  reopens: number
  /** container layouts located by reading the file (a cache hit is not a probe) */
  layoutProbes: number
}

export type ReadResult = 'ok' | 'error' | 'aborted'
export type ProbeResult = 'probed' | 'cached' | 'failed'

const STATES: readonly TorrentState[] = ['metadata', 'active', 'idle', 'paused']
const MAX_FILES = 1024
/** engine byte totals turned into Prometheus counters */
type MirroredStat = 'downloaded' | 'uploaded' | 'wasted'
/** Read latency buckets (seconds): cached reads take a millisecond, stalls take seconds. */
const READ_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30]

export const fileKey = (infoHash: string, fileIndex: number): string => `${infoHash}:${fileIndex}`

export class AppMetrics {
  readonly registry = new Registry()
  readonly stalls = new StallRecorder()
  private readonly latency = new LatencyTracker({ maxKeys: MAX_FILES })
  private readonly files = new Map<string, FileCounters>()
  private readonly readSeconds: Histogram
  private readonly reads: Counter
  private readonly readBytes: Counter
  private readonly stallsTotal: Counter
  private readonly probes: Counter
  private readonly opens: Counter
  private readonly warmups: Counter
  private readonly http: Counter
  /** last `downloaded`/`uploaded`/`wasted` seen per torrent, to turn engine totals into counters */
  private readonly seen = new Map<string, Record<MirroredStat, number>>()

  constructor (torrents: TorrentService, extra: { pinnedBytes?: () => number } = {}) {
    const r = this.registry
    this.readSeconds = r.histogram({ name: 'momoshtrem_read_latency_seconds', help: 'Time a player read waited for its bytes (WebDAV reads of torrent files)', buckets: READ_BUCKETS })
    this.reads = r.counter({ name: 'momoshtrem_reads_total', help: 'Torrent file reads by result', labelNames: ['result'] })
    this.readBytes = r.counter({ name: 'momoshtrem_read_bytes_total', help: 'Bytes delivered to players' })
    this.stallsTotal = r.counter({ name: 'momoshtrem_read_stalls_total', help: 'Reads that waited more than 1 s' })
    this.probes = r.counter({ name: 'momoshtrem_layout_probes_total', help: 'Container layout lookups on first open: probed (read the file), cached (layout cache hit), failed', labelNames: ['result'] })
    this.opens = r.counter({ name: 'momoshtrem_file_opens_total', help: 'File handles by kind: cold (new state) or reused (state kept by another handle or within handle_grace)', labelNames: ['kind'] })
    this.warmups = r.counter({ name: 'momoshtrem_next_episode_warmups_total', help: 'Next-episode warm-ups started' })
    this.http = r.counter({ name: 'momoshtrem_http_responses_total', help: 'HTTP responses by method and status class', labelNames: ['method', 'code'] })
    r.gauge({ name: 'momoshtrem_cache_bytes', help: 'Bytes in the piece cache', collect: (g) => { g.set(torrents.cacheUsage().used) } })
    r.gauge({ name: 'momoshtrem_cache_limit_bytes', help: 'Piece cache budget (global_cache_size)', collect: (g) => { g.set(torrents.cacheUsage().limit) } })
    r.gauge({ name: 'momoshtrem_cache_pinned_bytes', help: 'Bytes of head/tail/index ranges pinned for assigned files', collect: (g) => { g.set(extra.pinnedBytes?.() ?? 0) } })
    r.gauge({
      name: 'momoshtrem_torrents',
      help: 'Loaded torrents by state',
      labelNames: ['state'],
      collect: (g) => {
        const counts = new Map<string, number>(STATES.map((s) => [s, 0]))
        for (const s of torrents.listTorrents()) counts.set(s.state, (counts.get(s.state) ?? 0) + 1)
        for (const [state, n] of counts) g.set({ state }, n)
      }
    })
    r.gauge({ name: 'momoshtrem_peers', help: 'Connected peers over all torrents', collect: (g) => { g.set(torrents.listTorrents().reduce((n, s) => n + s.peers, 0)) } })
    r.counter({ name: 'momoshtrem_torrent_download_bytes_total', help: 'Payload bytes downloaded', collect: (c) => { this.mirror(torrents, c, 'downloaded') } })
    r.counter({ name: 'momoshtrem_torrent_upload_bytes_total', help: 'Payload bytes uploaded', collect: (c) => { this.mirror(torrents, c, 'uploaded') } })
    r.counter({ name: 'momoshtrem_torrent_wasted_bytes_total', help: 'Downloaded payload bytes that did not end up in a verified piece (duplicates, pieces abandoned half-way, hash failures)', collect: (c) => { this.mirror(torrents, c, 'wasted') } })
  }

  /**
   * Starts timing one read of file `fileIndex`; call the result once it settled. Aborted reads
   * (a player hanging up, a seek) are counted but are neither latency samples nor stalls.
   */
  startRead (infoHash: string, fileIndex: number): (end: { result: ReadResult, bytes: number, pieceIndex: number, peers: () => number }) => void {
    const t0 = performance.now()
    const key = fileKey(infoHash, fileIndex)
    return (end) => {
      const ms = performance.now() - t0
      const c = this.counters(key)
      this.reads.inc({ result: end.result })
      if (end.result === 'aborted') return
      if (end.result === 'error') c.errors++
      c.reads++
      c.bytes += end.bytes
      this.readBytes.inc(end.bytes)
      this.latency.record(key, ms)
      this.readSeconds.observe(ms / 1000)
      if (this.stalls.record({ key, pieceIndex: end.pieceIndex, peers: end.peers(), waitedMs: ms }) !== null) {
        c.stalls++
        this.stallsTotal.inc()
      }
    }
  }

  layoutProbe (infoHash: string, fileIndex: number, result: ProbeResult): void {
    this.probes.inc({ result })
    if (result !== 'cached') this.counters(fileKey(infoHash, fileIndex)).layoutProbes++
  }

  opened (infoHash: string, fileIndex: number, reused: boolean): void {
    this.opens.inc({ kind: reused ? 'reused' : 'cold' })
    const c = this.counters(fileKey(infoHash, fileIndex))
    if (reused) c.reopens++
    else c.opens++
  }

  warmupStarted (): void { this.warmups.inc() }

  httpResponse (method: string, status: number): void {
    this.http.inc({ method, code: `${Math.floor(status / 100)}xx` })
  }

  /** Counters, latency and recent stalls of every file of one torrent that was read. */
  torrentFiles (infoHash: string): { files: Array<{ fileIndex: number, counters: FileCounters, p50: number | null, p99: number | null }>, recentStalls: Stall[] } {
    const prefix = `${infoHash}:`
    const files = []
    for (const [key, counters] of this.files) {
      if (!key.startsWith(prefix)) continue
      const s = this.latency.summary(key)
      files.push({ fileIndex: Number(key.slice(prefix.length)), counters: { ...counters }, p50: s?.p50 ?? null, p99: s?.p99 ?? null })
    }
    files.sort((a, b) => a.fileIndex - b.fileIndex)
    return { files, recentStalls: this.stalls.recent().filter((s) => s.key.startsWith(prefix)) }
  }

  private counters (key: string): FileCounters {
    let c = this.files.get(key)
    if (c === undefined) {
      c = { reads: 0, bytes: 0, errors: 0, stalls: 0, opens: 0, reopens: 0, layoutProbes: 0 }
      this.files.set(key, c)
      // bounded for a long-running server: the file first seen goes first
      if (this.files.size > MAX_FILES) this.files.delete(this.files.keys().next().value!)
    }
    return c
  }

  /** Adds what each torrent moved since the last scrape (a re-added torrent restarts at 0). */
  private mirror (torrents: TorrentService, c: Counter, stat: MirroredStat): void {
    const live = new Set<string>()
    for (const s of torrents.listTorrents()) {
      live.add(s.infoHash)
      const now = s[stat]
      const seen = this.seen.get(s.infoHash) ?? { downloaded: 0, uploaded: 0, wasted: 0 }
      if (now > seen[stat]) c.inc(now - seen[stat])
      seen[stat] = now
      this.seen.set(s.infoHash, seen)
    }
    for (const hash of this.seen.keys()) if (!live.has(hash)) this.seen.delete(hash)
  }
}
