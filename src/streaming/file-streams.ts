// The streaming layer between WebDAV and the engine: open(assignment) gives the reader of one
// handle (handle.ts). Per file (kept for handle_grace after the last close): the container
// layout, located once through the torrent read path and cached on disk; the opening prefetch
// (index ranges urgent, media start read-ahead); parked readers for reopens. Per handle: a
// reader whose window follows the read rate. Per assignment: a pin of head/tail/index ranges
// (taken at startup or assign when the layout is known, located first when warm_on_assign;
// released on unassign). Per playback: next-episode warm-up.
import { assignedFile } from '../assignments/file-choice.ts'
import type { Logger } from '../logger.ts'
import type { AppMetrics } from '../metrics/app-metrics.ts'
import type { PrefetchHandle, ReadOptions, Torrent, TorrentFileInfo, TorrentService } from '../torrent/types.ts'
import type { LibraryTreeSource, TreeAssignment } from '../library/tree-model.ts'
import { LayoutCache, layoutKey, locatePlaybackRanges, type PlaybackLayout } from './container/index.ts'
import { describeTorrent, type TorrentStreaming } from './describe.ts'
import { FileState } from './file-state.ts'
import { StreamHandle, type Attachment, type HandleHost } from './handle.ts'
import { LibraryCheck } from './library-check.ts'
import { systemClock, type Clock } from './clock.ts'
import { AssignmentPins, pinLayout } from './pins.ts'
import { ReadaheadController, openingPlan, type StreamingSettings } from './prioritiser.ts'
import { GraceRegistry } from './probe-grace.ts'
import { NextEpisodeWarmer } from './warmup.ts'
import { warmRanges } from './warm-read.ts'

export type { TorrentStreaming } from './describe.ts'

export interface FileStreamsOptions {
  torrents: TorrentService
  library: LibraryTreeSource
  settings: StreamingSettings
  /** streaming.handle_grace in ms */
  graceMs: number
  /** streaming.next_episode_at */
  nextEpisodeAt: number
  /** streaming.warm_on_assign: files assigned while running are located and pinned at once */
  warmOnAssign?: boolean
  /** torrent.read_timeout in ms: the deadline of layout probes and index reads */
  readTimeoutMs: number
  /** JSON file of the layout cache (under torrent.metadata_folder) */
  layoutPath?: string
  metrics: AppMetrics
  logger: Logger
  /** probe time, read rates and handle_grace run on it; default the process clock */
  clock?: Clock
}

/** Share of the piece cache that pins of assigned files may hold. */
const PIN_SHARE = 0.25
const LAYOUTS_KEPT = 5000

export class FileStreams {
  readonly layouts: LayoutCache
  readonly pins: AssignmentPins
  private readonly grace: GraceRegistry<FileState>
  private readonly clock: Clock
  private readonly host: HandleHost
  private readonly warmer: NextEpisodeWarmer
  private readonly generations = new WeakMap<Torrent, number>()
  private nextGeneration = 1
  private readonly check: LibraryCheck
  /** warm-on-assign layout probes in flight, by assignment */
  private readonly warming = new Map<number, Promise<void>>()
  private saving: Promise<void> = Promise.resolve()
  private saveQueued = false
  private closed = false

  constructor (private readonly o: FileStreamsOptions) {
    this.layouts = new LayoutCache({ max: LAYOUTS_KEPT, ...(o.layoutPath === undefined ? {} : { path: o.layoutPath }) })
    this.pins = new AssignmentPins(() => Math.floor(o.torrents.cacheUsage().limit * PIN_SHARE))
    this.clock = o.clock ?? systemClock
    this.grace = new GraceRegistry<FileState>({ graceMs: o.graceMs, timers: this.clock, onExpire: (_key, state) => { state.dispose() } })
    this.warmer = new NextEpisodeWarmer({ ...o, layouts: this.layouts, at: o.nextEpisodeAt })
    this.check = new LibraryCheck({ ...o, layouts: this.layouts, pins: this.pins })
    this.host = {
      torrents: o.torrents,
      metrics: o.metrics,
      readTimeoutMs: o.readTimeoutMs,
      attach: (a, torrent, file, offset) => this.attach(a, torrent, file, offset),
      progressed: (state, ctl) => { this.warmer.progressed(state, ctl) }
    }
  }

  /**
   * The reader of one handle on the assigned file. Lazy: no torrent work until its first read
   * (listing and HEAD never call read).
   */
  open (a: TreeAssignment): StreamHandle {
    return new StreamHandle(this.host, a)
  }

  /** Loads the layout cache and pins the assigned files whose layout is known (the library check). */
  async start (): Promise<void> {
    const n = await this.layouts.load()
    if (n > 0) this.o.logger.debug({ layouts: n }, 'layout cache loaded')
    if (this.closed) return
    try { this.check.run() } catch (err) { this.o.logger.warn({ err }, 'streaming library check failed') }
  }

  /**
   * A file was just assigned (the user chose it): with streaming.warm_on_assign it is located
   * and pinned at once; otherwise pinned when its layout is already known.
   */
  assigned (a: TreeAssignment): void {
    if (this.closed) return
    if (this.o.warmOnAssign === true) this.warmAssigned(a)
    else this.check.pinKnown(a)
  }

  /**
   * An assignment was deactivated: its pins and next-episode warm-up go at once, and pins that
   * did not fit the budget get the room.
   */
  unassigned (a: TreeAssignment): void {
    this.warming.delete(a.id) // a layout probe in flight pins nothing when it ends
    this.pins.release(a.id)
    this.warmer.unassigned(a.id)
    if (!this.closed) this.check.retry()
  }

  /** Resolves when the warm-on-assign layout probes started so far have ended (pinned or failed). */
  async settled (): Promise<void> {
    await Promise.all(this.warming.values())
  }

  /**
   * Warm-on-assign: the file's layout is located (deferred reads, behind any playback) and its
   * pins taken, waking the torrent, so the first play and a scanner's first probe find head,
   * index and media start in the cache.
   */
  private warmAssigned (a: TreeAssignment): void {
    const torrent = this.o.torrents.getTorrent(a.infoHash)
    if (torrent === undefined || this.warming.has(a.id)) return
    let file: TorrentFileInfo
    try { file = assignedFile(torrent.info, a) } catch { return }
    const key = layoutKey(a.infoHash, file.index, file.length)
    const located = this.layouts.get(key)
    if (located !== undefined) { pinLayout(this.pins, a, torrent, file, located, this.o.settings); return }
    const probe = this.locate(torrent, file, { deadline: Date.now() + this.o.readTimeoutMs, priority: 'deferred' })
      .then((layout) => {
        // still assigned (unassigned() took it out of warming), and the same torrent
        if (!this.closed && this.warming.get(a.id) === probe && this.o.torrents.getTorrent(a.infoHash) === torrent) pinLayout(this.pins, a, torrent, file, layout, this.o.settings)
        this.o.logger.debug({ infoHash: a.infoHash, file: file.path, format: layout.format }, 'warmed on assign')
      }, (err: unknown) => {
        this.o.logger.debug({ err, file: file.path }, 'warm-on-assign layout probe failed')
      })
      .finally(() => { if (this.warming.get(a.id) === probe) this.warming.delete(a.id) })
    this.warming.set(a.id, probe)
  }

  /**
   * A handle's first read at `offset`: joins (or creates) the file's state, takes back a
   * parked reader this read continues, else opens a new one (suspending parked ones).
   */
  private attach (a: TreeAssignment, torrent: Torrent, file: TorrentFileInfo, offset: number): Attachment {
    const g = this.grace.acquire(this.stateKey(torrent, file), () => new FileState(a, torrent, file, this.clock.now()))
    const state = g.state
    this.o.metrics.opened(a.infoHash, file.index, g.reused)
    this.warmer.opened(a.id)
    state.layoutTask ??= this.prepare(state)
      .catch((err: unknown) => { this.o.logger.debug({ err, file: file.path }, 'opening prefetch failed') })
    // the player's attention moved to this handle: windows of other closed handles are stale,
    // and so is the media start prefetch when this is a seek
    state.openedAt(offset)
    let p = state.adopt(offset)
    state.suspendParked()
    if (p === undefined) {
      const reader = torrent.openReader(file.index, { readaheadBytes: this.o.settings.probeWindowBytes })
      p = { reader, ctl: new ReadaheadController(this.o.settings, (bytes, shallow) => { reader.setReadahead(bytes, { shallow }) }, { now: this.clock.now }) }
    }
    return { state, grace: g, parked: p }
  }

  /** Layout, pin and opening prefetch of a file's first open (once per state). */
  private async prepare (state: FileState): Promise<void> {
    const { assignment: a, torrent, file } = state
    const { settings, metrics } = this.o
    const t0 = this.clock.now()
    const key = layoutKey(a.infoHash, file.index, file.length)
    let layout = this.layouts.get(key) ?? null
    let tailGuess: PrefetchHandle | undefined
    if (layout !== null) metrics.layoutProbe(a.infoHash, file.index, 'cached')
    else {
      const deadline = Date.now() + this.o.readTimeoutMs
      // The index of most video files is at the end (MKV Cues, MP4 moov after mdat), and the
      // locator can only find it after parsing the head: fetch the end meanwhile, right after
      // the head (urgent, later deadline). An index elsewhere costs those bytes, so not when
      // they are more than footer_bytes.
      const tail = tailGuessBytes(torrent.info.pieceLength, file)
      if (tail <= settings.footerBytes) tailGuess = torrent.prefetch(file.index, file.length - tail, tail, 'urgent')
      try {
        layout = await this.locate(torrent, file, { deadline })
      } catch (err) {
        // no swarm, or a read_timeout: head/tail estimates now, another probe on the next first open
        this.o.logger.debug({ err, file: file.path }, 'layout probe failed')
      }
    }
    if (this.closed) { tailGuess?.release(); return }
    state.layout = layout
    const plan = openingPlan(layout, file.length, settings)
    // Everything at once: the engine requests the urgent index ranges first and spreads them
    // over the peers, whose queues are kept short, so the media start and the readers'
    // windows use the rest of the bandwidth without delaying the index.
    const urgent = plan.filter((r) => r.priority === 'urgent')
    const indexRead = urgent.length > 0 ? warmRanges(torrent, file.index, urgent, Date.now() + this.o.readTimeoutMs) : null
    pinLayout(this.pins, a, torrent, file, layout, settings)
    const boost = plan.filter((r) => r.priority !== 'urgent')
    // where the player reads before it reads media: the head, and the index ranges
    const start = boost.find((r) => r.priority === 'readahead')?.offset
    const opening = start === undefined ? plan : [{ offset: 0, length: start }, ...plan.filter((r) => r.priority === 'urgent')]
    state.setBoost(boost.map((r) => torrent.prefetch(file.index, r.offset, r.length, r.priority)), opening)
    // the located index (now wanted) replaces the guess
    tailGuess?.release()
    if (indexRead === null) return
    try {
      await indexRead
      state.indexReadyMs = this.clock.now() - t0
    } catch (err) {
      this.o.logger.debug({ err, file: file.path }, 'index ranges not fetched')
    }
  }

  /**
   * The file's layout, located through the torrent with `read` options; a probe already running
   * for the file (a warm-on-assign, a first open) is shared and counted once.
   */
  private async locate (torrent: Torrent, file: TorrentFileInfo, read: ReadOptions): Promise<PlaybackLayout> {
    const hash = torrent.info.infoHash
    return await this.layouts.getOrLocate(layoutKey(hash, file.index, file.length), async () => {
      try {
        const layout = await locatePlaybackRanges(file.length,
          async (offset, length) => await torrent.read(file.index, offset, length, read),
          { headerBytes: this.o.settings.headerBytes, footerBytes: this.o.settings.footerBytes })
        this.o.metrics.layoutProbe(hash, file.index, 'probed')
        this.queueSave()
        return layout
      } catch (err) {
        this.o.metrics.layoutProbe(hash, file.index, 'failed')
        throw err
      }
    })
  }

  /** Streaming figures of one torrent's files (for GET /api/torrents/:hash). */
  describe (torrent: Torrent): TorrentStreaming {
    return describeTorrent(torrent, {
      metrics: this.o.metrics,
      layouts: this.layouts,
      pins: this.pins,
      warmups: (hash) => this.warmer.list(hash),
      file: (f) => {
        const key = this.stateKey(torrent, f)
        return { state: this.grace.get(key), handles: this.grace.handles(key) }
      }
    })
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.warmer.close()
    this.grace.dispose() // states are dropped without onExpire: the engine closes its readers itself
    this.pins.releaseAll()
    await this.saving
    await this.layouts.save().catch((err: unknown) => { this.o.logger.warn({ err }, 'layout cache not saved') })
  }

  /** A torrent removed and added again is a new object: its files get fresh state. */
  private stateKey (torrent: Torrent, file: TorrentFileInfo): string {
    let gen = this.generations.get(torrent)
    if (gen === undefined) { gen = this.nextGeneration++; this.generations.set(torrent, gen) }
    return `${layoutKey(torrent.info.infoHash, file.index, file.length)}#${gen}`
  }

  /** Saves the layout cache soon after a new layout (one write for a burst of probes). */
  private queueSave (): void {
    if (this.saveQueued || this.o.layoutPath === undefined) return
    this.saveQueued = true
    this.saving = this.saving.then(async () => {
      this.saveQueued = false
      await this.layouts.save()
    }).catch((err: unknown) => { this.o.logger.warn({ err }, 'layout cache not saved') })
  }
}

/** An MP4 moov takes about 0.1-0.3 % of the file (its sample tables); MKV Cues far less. */
const MOOV_SHARE = 0.002

/**
 * How much of the end of `file` to fetch while its layout is located: the last piece, and for
 * an MP4 (by its name) what a trailing moov is likely to take, which often spans pieces.
 */
export function tailGuessBytes (pieceLength: number, file: TorrentFileInfo): number {
  const last = lastPieceBytes(pieceLength, file)
  return /\.(mp4|m4v|mov)$/i.test(file.path) ? Math.min(file.length, Math.max(last, Math.ceil(file.length * MOOV_SHARE))) : last
}

/** Bytes of `file` in the torrent piece holding its last byte. */
function lastPieceBytes (pieceLength: number, file: TorrentFileInfo): number {
  if (file.length === 0) return 0
  const last = file.offset + file.length - 1
  return last + 1 - Math.max(file.offset, Math.floor(last / pieceLength) * pieceLength)
}
