// Scanner probes (Plex/Jellyfin ffprobe through rclone) and player reopens read the head, the
// tail and the index of a file again and again. While a file is assigned, those ranges are held
// by one long-lived background PrefetchHandle each: wanted (fetched when the torrent is active)
// and pinned against eviction, inside the cache budget. A pin budget (a share of the cache)
// keeps a large library from pinning the whole cache: over it, the media start is left out,
// then nothing more is pinned; the assignments left out are kept (unfit) to be tried again
// once pins are released.
import type { PrefetchHandle, Torrent, TorrentFileInfo } from '../torrent/types.ts'
import type { TreeAssignment } from '../library/tree-model.ts'
import type { PlaybackLayout } from './container/index.ts'
import { pinRanges, rangeBytes, type StreamingSettings } from './prioritiser.ts'

type Ranges = Array<{ offset: number, length: number }>

interface Pin {
  infoHash: string
  fileIndex: number
  torrent: Torrent
  handles: PrefetchHandle[]
  bytes: number
  /** ranges pinned, to skip re-pinning the same thing */
  signature: string
  /** the assignments holding this pin: several when one file backs several episodes (S01E01-E02) */
  holders: Set<number>
}

export class AssignmentPins {
  private readonly pins = new Map<number, Pin>()
  /** assignments whose last pin did not fit the budget, oldest first */
  private readonly waiting = new Map<number, TreeAssignment>()
  private total = 0

  /** `budget()`: bytes all pins together may hold (read on every pin: the cache limit may differ per run). */
  constructor (private readonly budget: () => number) {}

  /** Bytes pinned over all assigned files. */
  get bytes (): number { return this.total }
  get size (): number { return this.pins.size }
  has (assignmentId: number): boolean { return this.pins.has(assignmentId) }

  /** Assignments whose last pin did not fit the budget (and were not released since), oldest first. */
  unfit (): TreeAssignment[] { return [...this.waiting.values()] }

  /** Bytes pinned for one file of one torrent. */
  fileBytes (infoHash: string, fileIndex: number): number {
    let n = 0
    for (const p of new Set(this.pins.values())) if (p.infoHash === infoHash && p.fileIndex === fileIndex) n += p.bytes
    return n
  }

  /**
   * Pins `full` (or `lean` when `full` does not fit the budget) of the assignment's file in
   * `torrent`, replacing what was pinned for it before. Returns the bytes pinned (0: none fit,
   * and the assignment is listed by unfit() until it is pinned or released).
   * `wake: false` leaves an idle or paused torrent asleep (the pieces come when it next wakes).
   */
  pin (a: TreeAssignment, torrent: Torrent, full: Ranges, lean: Ranges, opts: { wake?: boolean } = {}): number {
    const shared = this.sameFilePin(a, torrent, [JSON.stringify(full), JSON.stringify(lean)])
    if (shared !== undefined) {
      if (this.pins.get(a.id) === shared) return shared.bytes
      // a multi-episode file is pinned once, whichever of its episodes came first
      this.release(a.id)
      shared.holders.add(a.id)
      this.pins.set(a.id, shared)
      return shared.bytes
    }
    const old = this.pins.get(a.id)
    const room = this.budget() - this.total + (old?.bytes ?? 0)
    const ranges = rangeBytes(full) <= room ? full : rangeBytes(lean) <= room ? lean : null
    if (ranges === null) { this.release(a.id); this.waiting.set(a.id, a); return 0 }
    const signature = JSON.stringify(ranges)
    if (old !== undefined && old.torrent === torrent && old.signature === signature) return old.bytes
    const handles = ranges.filter((r) => r.length > 0).map((r) => torrent.prefetch(a.fileIndex, r.offset, r.length, 'background', { wake: opts.wake !== false }))
    // the new handles are in place before the old ones go: the pieces never lose their pin
    this.release(a.id)
    const bytes = rangeBytes(ranges)
    this.pins.set(a.id, { infoHash: a.infoHash, fileIndex: a.fileIndex, torrent, handles, bytes, signature, holders: new Set([a.id]) })
    this.total += bytes
    return bytes
  }

  /** Another assignment's pin of the same file with one of these signatures. */
  private sameFilePin (a: TreeAssignment, torrent: Torrent, signatures: string[]): Pin | undefined {
    for (const [id, p] of this.pins) {
      if (id !== a.id && p.torrent === torrent && p.infoHash === a.infoHash && p.fileIndex === a.fileIndex && signatures.includes(p.signature)) return p
    }
    return undefined
  }

  /** The assignment's pin goes (and it is no longer waiting for room). */
  release (assignmentId: number): void {
    this.waiting.delete(assignmentId)
    const pin = this.pins.get(assignmentId)
    if (pin === undefined) return
    this.pins.delete(assignmentId)
    pin.holders.delete(assignmentId)
    // the other episodes of a multi-episode file still hold it
    if (pin.holders.size > 0) return
    this.total -= pin.bytes
    for (const h of pin.handles) h.release()
  }

  releaseAll (): void {
    this.waiting.clear()
    for (const id of [...this.pins.keys()]) this.release(id)
  }
}

/** Pins a file's layout ranges plus its media start (or the ranges alone when the budget is tight). */
export function pinLayout (pins: AssignmentPins, a: TreeAssignment, torrent: Torrent, file: TorrentFileInfo, layout: PlaybackLayout | null, s: StreamingSettings, wake = true): number {
  return pins.pin(a, torrent, pinRanges(layout, file.length, s, true), pinRanges(layout, file.length, s, false), { wake })
}
