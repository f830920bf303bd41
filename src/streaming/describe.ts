// The streaming figures of one torrent, gathered for GET /api/torrents/:hash: per file that
// was read, opened or pinned since start, its read counters and latency, its open handles and
// parked readers, its layout and how long the index took, and what is pinned for it.
import type { AppMetrics, FileCounters } from '../metrics/app-metrics.ts'
import type { Stall } from '../metrics/latency.ts'
import type { Torrent, TorrentFileInfo } from '../torrent/types.ts'
import { layoutKey, type LayoutCache, type PlaybackLayout } from './container/index.ts'
import type { FileState } from './file-state.ts'
import type { AssignmentPins } from './pins.ts'

export interface StreamingFileFigures {
  fileIndex: number
  counters: FileCounters | null
  /** read latency percentiles in ms over the recent reads, null before any read */
  p50: number | null
  p99: number | null
  openHandles: number
  parkedReaders: number
  layout: PlaybackLayout | null
  indexReadyMs: number | null
  pinnedBytes: number
}

export interface TorrentStreaming {
  files: StreamingFileFigures[]
  /** newest first */
  recentStalls: Stall[]
  warmups: Array<{ assignmentId: number, fileIndex: number }>
}

export interface DescribeSources {
  metrics: AppMetrics
  layouts: LayoutCache
  pins: AssignmentPins
  warmups: (infoHash: string) => Array<{ assignmentId: number, fileIndex: number }>
  /** the kept state of a file (open or in grace) and its open handles */
  file: (f: TorrentFileInfo) => { state: FileState | undefined, handles: number }
}

export function describeTorrent (torrent: Torrent, src: DescribeSources): TorrentStreaming {
  const hash = torrent.info.infoHash
  const m = src.metrics.torrentFiles(hash)
  const files: StreamingFileFigures[] = []
  for (const f of torrent.info.files) {
    const stats = m.files.find((x) => x.fileIndex === f.index)
    const { state, handles } = src.file(f)
    const pinnedBytes = src.pins.fileBytes(hash, f.index)
    if (stats === undefined && state === undefined && pinnedBytes === 0) continue
    files.push({
      fileIndex: f.index,
      counters: stats?.counters ?? null,
      p50: stats?.p50 ?? null,
      p99: stats?.p99 ?? null,
      openHandles: handles,
      parkedReaders: state?.parkedCount ?? 0,
      layout: src.layouts.get(layoutKey(hash, f.index, f.length)) ?? null,
      indexReadyMs: state?.indexReadyMs ?? null,
      pinnedBytes
    })
  }
  return { files, recentStalls: m.recentStalls, warmups: src.warmups(hash) }
}
