// The figures the app exposes: per-file read latency and stalls (GET /api/torrents/:hash) and
// the Prometheus page at /metrics (prom-client). The streaming layer reports reads, probes and
// opens here; torrent totals (bytes, peers, states, cache) are mirrored from the engine at
// scrape time. Names, types, labels and help texts are a contract with dashboards and alerts:
// test/unit/metrics-names.test.ts lists them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { PoolCounters, TorrentService, TorrentState } from '../torrent/types.ts'
import { LatencyTracker, StallRecorder, type Stall } from './latency.ts'
import { collectProcessMetrics, type ProcessMetrics } from './process-metrics.ts'

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

export interface AppMetricsOptions {
  /** bytes pinned for assigned files (momoshtrem_cache_pinned_bytes); 0 when not given */
  pinnedBytes?: () => number
  /**
   * Adds prom-client's process and Node metrics (CPU, memory, event-loop lag, GC, handles);
   * their monitors run until close(). The app turns this on; unit tests on fakes leave it off.
   */
  processMetrics?: boolean
}

/** A gauge whose value is read from elsewhere when scraped. */
function scrapedGauge (registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({ name, help, registers: [registry], collect () { this.set(read()) } })
}

export class AppMetrics {
  readonly registry = new Registry()
  readonly stalls = new StallRecorder()
  private readonly latency = new LatencyTracker({ maxKeys: MAX_FILES })
  private readonly files = new Map<string, FileCounters>()
  private readonly readSeconds: Histogram
  private readonly reads: Counter<'result'>
  private readonly readBytes: Counter
  private readonly stallsTotal: Counter
  private readonly probes: Counter<'result'>
  private readonly opens: Counter<'kind'>
  private readonly warmups: Counter
  private readonly http: Counter<'method' | 'code'>
  /** last `downloaded`/`uploaded`/`wasted` seen per torrent, to turn engine totals into counters */
  private readonly seen = new Map<string, Record<MirroredStat, number>>()
  private readonly processMetrics: ProcessMetrics | undefined

  constructor (torrents: TorrentService, opts: AppMetricsOptions = {}) {
    const registers = [this.registry]
    this.readSeconds = new Histogram({ name: 'momoshtrem_read_latency_seconds', help: 'Time a player read waited for its bytes (WebDAV reads of torrent files)', buckets: READ_BUCKETS, registers })
    this.reads = new Counter({ name: 'momoshtrem_reads_total', help: 'Torrent file reads by result', labelNames: ['result'], registers })
    this.readBytes = new Counter({ name: 'momoshtrem_read_bytes_total', help: 'Bytes delivered to players', registers })
    this.stallsTotal = new Counter({ name: 'momoshtrem_read_stalls_total', help: 'Reads that waited more than 1 s', registers })
    this.probes = new Counter({ name: 'momoshtrem_layout_probes_total', help: 'Container layout lookups on first open: probed (read the file), cached (layout cache hit), failed', labelNames: ['result'], registers })
    this.opens = new Counter({ name: 'momoshtrem_file_opens_total', help: 'File handles by kind: cold (new state) or reused (state kept by another handle or within handle_grace)', labelNames: ['kind'], registers })
    this.warmups = new Counter({ name: 'momoshtrem_next_episode_warmups_total', help: 'Next-episode warm-ups started', registers })
    this.http = new Counter({ name: 'momoshtrem_http_responses_total', help: 'HTTP responses by method and status class', labelNames: ['method', 'code'], registers })
    scrapedGauge(this.registry, 'momoshtrem_cache_bytes', 'Bytes in the piece cache', () => torrents.cacheUsage().used)
    scrapedGauge(this.registry, 'momoshtrem_cache_limit_bytes', 'Piece cache budget (global_cache_size)', () => torrents.cacheUsage().limit)
    scrapedGauge(this.registry, 'momoshtrem_cache_pinned_bytes', 'Bytes of head/tail/index ranges pinned for assigned files', () => opts.pinnedBytes?.() ?? 0)
    new Gauge({
      name: 'momoshtrem_torrents',
      help: 'Loaded torrents by state',
      labelNames: ['state'],
      registers,
      collect () {
        const counts = new Map<string, number>(STATES.map((s) => [s, 0]))
        for (const s of torrents.listTorrents()) counts.set(s.state, (counts.get(s.state) ?? 0) + 1)
        for (const [state, n] of counts) this.set({ state }, n)
      }
    })
    scrapedGauge(this.registry, 'momoshtrem_peers', 'Connected peers over all torrents', () => torrents.listTorrents().reduce((n, s) => n + s.peers, 0))
    const mirrored = (name: string, help: string, stat: MirroredStat): void => {
      const counter: Counter = new Counter({ name, help, registers, collect: () => { this.mirror(torrents, counter, stat) } })
    }
    mirrored('momoshtrem_torrent_download_bytes_total', 'Payload bytes downloaded', 'downloaded')
    mirrored('momoshtrem_torrent_upload_bytes_total', 'Payload bytes uploaded', 'uploaded')
    mirrored('momoshtrem_torrent_wasted_bytes_total', 'Downloaded payload bytes that did not end up in a verified piece (duplicates, pieces abandoned half-way, hash failures)', 'wasted')
    // the engine's own totals, read when scraped (a bench's count of piece allocations per GiB)
    const poolCounter = (name: string, help: string, label: string, values: (c: PoolCounters) => Record<string, number>): void => {
      new Counter({
        name,
        help,
        labelNames: [label],
        registers,
        collect () {
          const c = torrents.poolCounters?.()
          if (c === undefined) return
          this.reset()
          for (const [value, n] of Object.entries(values(c))) this.inc({ [label]: value }, n)
        }
      })
    }
    poolCounter('momoshtrem_piece_pool_pieces_total', 'Pieces of memory the piece pool handed out: allocated anew or reused from its free list',
      'kind', (c) => ({ allocated: c.allocated, reused: c.reused }))
    poolCounter('momoshtrem_piece_pool_views_returned_total', 'Views of piece memory lent out of the engine that came back: given back by their holder (a written response chunk) or found unreachable by the garbage collector',
      'how', (c) => ({ given_back: c.givenBack, collected: c.collected }))
    scrapedGauge(this.registry, 'momoshtrem_piece_memory_bytes', 'Memory the piece pool holds in slabs (pieces being assembled, written, kept in memory, or free for reuse); 0 once the server is idle',
      () => torrents.poolCounters?.().slabBytes ?? 0)
    poolCounter('momoshtrem_hot_pieces_reads_total', 'Reads of verified pieces by where the piece was: in the memory of recent pieces, or read back whole from disk into it',
      'from', (c) => ({ memory: c.hits, disk: c.readBacks }))
    poolCounter('momoshtrem_piece_files_written_total', 'Verified pieces written into the cache folder: past the page cache (O_DIRECT) or through it',
      'how', (c) => ({ direct: c.directWrites, buffered: c.bufferedWrites }))
    this.processMetrics = opts.processMetrics === true ? collectProcessMetrics(this.registry) : undefined
  }

  /** Stops the background monitors of the process metrics (the app's close). Safe to call twice. */
  close (): void { this.processMetrics?.close() }

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
      if (this.stalls.record({ key, pieceIndex: end.pieceIndex, peers: end.peers, waitedMs: ms }) !== null) {
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
