// What the streaming layer keeps per file while any handle is open and for handle_grace after
// the last one closed: the container layout, the opening prefetch (index ranges, media start)
// and the readers of closed handles ("parked"). A player that probes and reopens (Infuse:
// head, tail, close, reopen to play) gets its old reader back, read-ahead window and rate
// estimate included, instead of a cold one. A parked reader's window is suspended (the player
// hung up: ffmpeg and ffprobe close every request early) and resumes when a reopen continues
// its stream, so an abandoned position does not keep pulling bytes.
import type { FileReader, PrefetchHandle, Torrent, TorrentFileInfo } from '../torrent/types.ts'
import type { TreeAssignment } from '../library/tree-model.ts'
import type { PlaybackLayout } from './container/index.ts'
import type { ReadaheadController } from './prioritiser.ts'

export interface ParkedReader { reader: FileReader, ctl: ReadaheadController }

/** Parked readers per file: Finder opens a few handles at once; more would only hold windows. */
const MAX_PARKED = 4

export class FileState {
  /** located (or cached) layout; null until known, or when locating failed */
  layout: PlaybackLayout | null = null
  /** the layout lookup of the first open (shared by handles opened meanwhile) */
  layoutTask: Promise<void> | null = null
  /** ms from the first open until the header and index ranges were in the cache */
  indexReadyMs: number | null = null
  /** the next episode was warmed up from this file's playback */
  warmedNext = false
  /** handles attached so far: the newest one has the player's attention */
  attached = 0
  private boost: PrefetchHandle[] = []
  /** where the player reads before it reads media (head, index): the boost is for what comes next */
  private opening: ReadonlyArray<{ offset: number, length: number }> = []
  private readonly parked: ParkedReader[] = []
  private disposed = false

  /** `createdAt`: when the first handle joined, on the streaming clock (ms) */
  constructor (readonly assignment: TreeAssignment, readonly torrent: Torrent, readonly file: TorrentFileInfo, readonly createdAt: number) {}

  get parkedCount (): number { return this.parked.length }

  /** Takes back a parked reader whose stream a read at `offset` continues (window resumed). */
  adopt (offset: number): ParkedReader | undefined {
    const i = this.parked.findIndex((p) => p.ctl.continues(offset))
    if (i < 0) return undefined
    const [p] = this.parked.splice(i, 1)
    p!.ctl.resume()
    return p
  }

  /** A handle closed: keep its reader, window suspended, for a reopen (the oldest parked one goes beyond the cap). */
  park (p: ParkedReader): void {
    if (this.disposed) { p.reader.close(); return }
    p.ctl.suspend()
    this.parked.push(p)
    while (this.parked.length > MAX_PARKED) this.parked.shift()!.reader.close()
  }

  /** A handle opened (elsewhere, or adopting another parked reader): parked windows are stale work now. */
  suspendParked (): void {
    for (const p of this.parked) p.ctl.suspend()
  }

  /**
   * Replaces the opening prefetch (the new handles are taken before the old ones go); `opening`
   * are the ranges a player reads before the media (head, index).
   */
  setBoost (handles: PrefetchHandle[], opening: ReadonlyArray<{ offset: number, length: number }>): void {
    const old = this.boost
    this.boost = handles
    this.opening = opening
    for (const h of old) h.release()
    if (this.disposed) this.releaseBoost()
  }

  /**
   * A handle opened at `offset`. Outside the head and index the boost is done: either the
   * player reads the media start itself now (its reader's window takes over, sized by what it
   * really reads) or it seeks elsewhere and will not read it now. Left in place, the boost's
   * blocks would fill the peers' queues in front of the player's next request.
   */
  openedAt (offset: number): void {
    if (this.boost.length > 0 && !this.opening.some((r) => offset >= r.offset && offset < r.offset + r.length)) this.releaseBoost()
  }

  /** The grace ran out (or shutdown): readers closed, opening prefetch released. */
  dispose (): void {
    this.disposed = true
    for (const p of this.parked.splice(0)) p.reader.close()
    this.releaseBoost()
  }

  private releaseBoost (): void {
    for (const h of this.boost.splice(0)) h.release()
  }
}
