// Subtitles inside assigned torrents. When a file is assigned, the torrent's file list is
// searched once for the subtitles of that video (in-torrent.ts decides which belong to it),
// the finds are stored with the assignment, and their pieces are pinned like the video's head
// and index: a player that lists the folder asks for them at once. Assignments made before
// the scan existed are scanned at start-up when their torrent's metadata is on disk.
import type { Logger } from '../logger.ts'
import type { Assignment } from '../assignments/types.ts'
import type { PrefetchHandle, Torrent, TorrentService } from '../torrent/types.ts'
import { matchSubtitles } from './in-torrent.ts'
import type { SubtitleRepository } from './repository.ts'
import type { FoundSubtitle } from './types.ts'

export interface ScannerDeps {
  repo: SubtitleRepository
  torrents: Pick<TorrentService, 'getTorrent'>
  logger: Logger
}

export class TorrentSubtitleScanner {
  /** pins of torrent subtitles, by assignment */
  private readonly pins = new Map<number, PrefetchHandle[]>()
  private closed = false

  constructor (private readonly deps: ScannerDeps) {}

  /** A file was just assigned: its torrent is loaded (the assign waited for metadata). */
  assigned (a: Assignment): void {
    if (this.closed) return
    const torrent = this.deps.torrents.getTorrent(a.infoHash)
    // not loaded (removed meanwhile): the start-up scan finds it unscanned
    if (torrent === undefined) return
    this.scan(a, torrent)
    this.pin(a.id, torrent, true)
  }

  unassigned (a: Pick<Assignment, 'id'>): void { this.release(a.id) }

  /** Scans assignments never scanned whose torrent is loaded, and pins every torrent subtitle (without waking a torrent). */
  start (): void {
    for (const a of this.deps.repo.unscanned()) {
      const torrent = this.deps.torrents.getTorrent(a.infoHash)
      if (torrent !== undefined) this.scan(a, torrent)
    }
    const pinned = new Set<number>()
    for (const s of this.deps.repo.allVisible()) {
      if (s.source.kind !== 'torrent' || pinned.has(s.source.assignmentId)) continue
      pinned.add(s.source.assignmentId)
      const torrent = this.deps.torrents.getTorrent(s.source.infoHash)
      if (torrent !== undefined) this.pin(s.source.assignmentId, torrent, false)
    }
  }

  close (): void {
    this.closed = true
    for (const id of [...this.pins.keys()]) this.release(id)
  }

  private scan (a: Assignment, torrent: Torrent): void {
    try {
      const found = subtitlesOf(torrent, a.fileIndex)
      this.deps.repo.saveScan(a, found)
      if (found.length > 0) this.deps.logger.info({ assignment: a.id, infoHash: a.infoHash, subtitles: found.length }, 'subtitles found in the torrent')
    } catch (err) {
      // a scan that fails leaves the assignment unscanned; the assign itself stands
      this.deps.logger.warn({ err, assignment: a.id }, 'subtitle scan failed')
    }
  }

  private pin (assignmentId: number, torrent: Torrent, wake: boolean): void {
    const subs = this.deps.repo.ofAssignment(assignmentId)
    const handles = subs.flatMap((s) => s.source.kind === 'torrent' && s.size > 0
      ? [torrent.prefetch(s.source.fileIndex, 0, s.size, 'background', { wake })]
      : [])
    this.release(assignmentId)
    if (handles.length > 0) this.pins.set(assignmentId, handles)
  }

  private release (assignmentId: number): void {
    const handles = this.pins.get(assignmentId)
    if (handles === undefined) return
    this.pins.delete(assignmentId)
    for (const h of handles) h.release()
  }
}

/**
 * The subtitles of the video at `videoIndex`. The matcher weighs them against every real video of
 * the torrent itself (a subtitle of another episode stays out), so only this one is asked for.
 */
export function subtitlesOf (torrent: Pick<Torrent, 'info'>, videoIndex: number): FoundSubtitle[] {
  const files = torrent.info.files
  const video = files[videoIndex]
  if (video === undefined) return []
  const matched = matchSubtitles(files.map((f) => ({ path: f.path, length: f.length })), [{ fileIndex: videoIndex, path: video.path }])
  return (matched.byVideo.get(videoIndex) ?? []).map((s) => ({
    fileIndex: s.fileIndex, path: s.path, length: s.length, format: s.ext, language: s.language, forced: s.forced, sdh: s.sdh
  }))
}
