// Players probe and reopen: Infuse opens a file, reads the header and the index, closes,
// and opens it again to play; Finder opens several handles at once. Dropping a file's
// read-ahead window and layout on the last close, only to rebuild them a moment later,
// thrashes priorities. This registry keeps a file's state for `graceMs` after its last
// handle closes, and hands it back to a reopen within that time.
import { ClosedError } from '../errors.ts'
import { systemClock, type Clock } from './clock.ts'

/** The timer half of a Clock. Handles are unref'd when they support it. */
export type Timers = Pick<Clock, 'setTimeout' | 'clearTimeout'>

export interface GraceOptions<S> {
  /** how long state outlives the last close (streaming.handle_grace * 1000); 0 drops it at once */
  graceMs: number
  timers?: Timers
  /** the grace ran out with no reopen: release what the state holds (priorities, pins) */
  onExpire?: (key: string, state: S) => void
}

export interface GraceHandle<S> {
  readonly key: string
  readonly state: S
  /** the state already existed: another handle is open or the file closed within the grace */
  readonly reused: boolean
  /** Closes this handle; the last close starts the grace. Idempotent. */
  release (): void
}

interface Entry<S> { state: S, handles: number, timer: unknown, hasTimer: boolean }

export class GraceRegistry<S> {
  private readonly entries = new Map<string, Entry<S>>()
  private readonly graceMs: number
  private readonly timers: Timers
  private readonly onExpire: ((key: string, state: S) => void) | undefined
  private disposed = false

  constructor (opts: GraceOptions<S>) {
    if (!(opts.graceMs >= 0)) throw new RangeError('graceMs must be >= 0')
    this.graceMs = opts.graceMs
    this.timers = opts.timers ?? systemClock
    this.onExpire = opts.onExpire
  }

  /** Opens a handle on `key`, reusing kept state or making it with `create`. */
  acquire (key: string, create: () => S): GraceHandle<S> {
    if (this.disposed) throw new ClosedError()
    let entry = this.entries.get(key)
    const reused = entry !== undefined
    if (entry === undefined) {
      entry = { state: create(), handles: 0, timer: undefined, hasTimer: false }
      this.entries.set(key, entry)
    }
    this.cancelTimer(entry)
    entry.handles++
    let released = false
    const e = entry
    return {
      key,
      state: e.state,
      reused,
      release: () => {
        if (released) return
        released = true
        this.release(key, e)
      }
    }
  }

  /** The state of an open or recently closed file. */
  get (key: string): S | undefined { return this.entries.get(key)?.state }

  /** Open handles on `key` (0 while in grace or unknown). */
  handles (key: string): number { return this.entries.get(key)?.handles ?? 0 }

  /** Cancels every timer and forgets all state without calling onExpire (shutdown). */
  dispose (): void {
    this.disposed = true
    for (const e of this.entries.values()) this.cancelTimer(e)
    this.entries.clear()
  }

  private release (key: string, entry: Entry<S>): void {
    // The entry may be gone (dispose) or replaced; a stale handle must not touch a new one.
    if (this.entries.get(key) !== entry) return
    entry.handles--
    if (entry.handles > 0) return
    if (this.graceMs === 0) { this.expire(key, entry); return }
    const h = this.timers.setTimeout(() => { entry.hasTimer = false; this.expire(key, entry) }, this.graceMs)
    ;(h as { unref?: () => void } | null)?.unref?.()
    entry.timer = h
    entry.hasTimer = true
  }

  private expire (key: string, entry: Entry<S>): void {
    if (this.entries.get(key) !== entry || entry.handles > 0) return
    this.entries.delete(key)
    this.onExpire?.(key, entry.state)
  }

  private cancelTimer (entry: Entry<S>): void {
    if (!entry.hasTimer) return
    this.timers.clearTimeout(entry.timer)
    entry.hasTimer = false
    entry.timer = undefined
  }
}
