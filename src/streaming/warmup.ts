// Next-episode warm-up: once an episode plays past streaming.next_episode_at, the next one
// (possibly in another torrent) gets its head, tail/index and first minutes fetched at
// background priority, so "play next" starts from the cache. The prefetch handles are held
// until that episode is opened (its own streams take over) or a newer warm-up pushes them out.
import { assignedFile } from '../assignments/file-choice.ts'
import type { Logger } from '../logger.ts'
import type { AppMetrics } from '../metrics/app-metrics.ts'
import type { PrefetchHandle, TorrentService } from '../torrent/types.ts'
import type { LibraryTreeSource, TreeAssignment } from '../library/tree-model.ts'
import { layoutKey, mergeRanges, type LayoutCache } from './container/index.ts'
import type { FileState } from './file-state.ts'
import { nextEpisode } from './next-episode.ts'
import { indexRanges, pastWarmupPoint, type ReadaheadController, type StreamingSettings } from './prioritiser.ts'

/** Warm-ups held at once: the next episode of what is playing, and of one more stream. */
const MAX_HELD = 2

export interface WarmerDeps {
  torrents: TorrentService
  library: LibraryTreeSource
  layouts: LayoutCache
  settings: StreamingSettings
  /** fraction of a file played before the next is warmed (0 = never) */
  at: number
  metrics: AppMetrics
  logger: Logger
}

export class NextEpisodeWarmer {
  private readonly held = new Map<number, { infoHash: string, fileIndex: number, handles: PrefetchHandle[] }>()
  private closed = false

  constructor (private readonly deps: WarmerDeps) {}

  /** Playback of `state` progressed; warms the next episode once, past the configured point. */
  progressed (state: FileState, ctl: ReadaheadController): void {
    if (this.closed || state.warmedNext || !pastWarmupPoint(ctl, state.file.length, this.deps.at)) return
    state.warmedNext = true
    const next = nextEpisode(this.deps.library.shows(), state.assignment.id)
    if (next === null || this.held.has(next.assignment.id)) return
    this.deps.metrics.warmupStarted()
    this.warm(next.assignment).catch((err: unknown) => {
      this.deps.logger.warn({ err, assignment: next.assignment.id }, 'next-episode warm-up failed')
    })
  }

  /** The episode is being opened: its streams fetch what it needs from now on. */
  opened (assignmentId: number): void { this.release(assignmentId) }

  /** Warm-ups in flight or done and held, for the torrent detail. */
  list (infoHash: string): Array<{ assignmentId: number, fileIndex: number }> {
    return [...this.held].filter(([, w]) => w.infoHash === infoHash).map(([assignmentId, w]) => ({ assignmentId, fileIndex: w.fileIndex }))
  }

  /** The assignment was deactivated: its warm-up goes. */
  unassigned (assignmentId: number): void { this.release(assignmentId) }

  close (): void {
    this.closed = true
    for (const id of [...this.held.keys()]) this.release(id)
  }

  private async warm (a: TreeAssignment): Promise<void> {
    const { torrents, layouts, settings } = this.deps
    // another torrent may have to be joined: that is the point (the user is watching)
    const torrent = await torrents.getOrAddTorrent(a.infoHash, a.magnetUri)
    if (this.closed) return
    const file = assignedFile(torrent.info, a)
    const layout = layouts.get(layoutKey(a.infoHash, file.index, file.length)) ?? null
    const start = layout?.mediaOffset ?? 0
    // "the first minutes": readahead_bytes from where media starts (about a minute of 1080p)
    const wanted = [...indexRanges(layout, file.length, settings), { offset: start, length: settings.readaheadBytes }]
    const ranges = mergeRanges(wanted.map((r) => ({ ...r, reason: 'head' as const })), file.length)
    const handles = ranges.map((r) => torrent.prefetch(file.index, r.offset, r.length, 'background'))
    this.release(a.id)
    this.held.set(a.id, { infoHash: a.infoHash, fileIndex: file.index, handles })
    while (this.held.size > MAX_HELD) this.release(this.held.keys().next().value!)
    this.deps.logger.debug({ assignment: a.id, infoHash: a.infoHash, ranges: ranges.length }, 'next episode warming up')
  }

  private release (id: number): void {
    const w = this.held.get(id)
    if (w === undefined) return
    this.held.delete(id)
    for (const h of w.handles) h.release()
  }
}
