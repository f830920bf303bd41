// Reads: one-shot ranged reads (urgent wants until every piece arrived), FileReaders with a
// read-ahead window, and prefetch handles (the hook for the streaming layer). A reader's window
// is what its caller sets: the engine does not guess how fast a player consumes, it only keeps
// the window inside the reader's share of the cache and inside a bound the caller stated.
import { ClosedError, TimeoutError } from '../errors.ts'
import { giveBack } from './piece-pool.ts'
import type { AddWant, WantSource } from './wants.ts'
import type { FileReader, PiecePriority, PrefetchHandle, ReadOptions, TorrentFileInfo, TorrentInfo } from './types.ts'

export interface ReadHost {
  readonly info: TorrentInfo
  /** the torrent was removed or the engine closed: reads reject with ClosedError */
  readonly closed: boolean
  readTimeoutMs: number
  /** marks activity, wakes an idle/paused torrent */
  touch (): void
  addSource (src: WantSource): void
  removeSource (src: WantSource): void
  /** piece bytes [from, to) if held (memory or disk), else null; possibly a lent view of piece memory */
  pieceSlice (piece: number, from: number, to: number): Promise<Buffer | null>
  /** `view` of piece memory leaves the engine (PiecePool.lend) */
  lend (view: Buffer): Buffer
  /** calls `cb` with the whole piece once it is verified; returns the unsubscribe */
  onPiece (piece: number, cb: (buf: Buffer) => void): () => void
  /** a read got to the end of `piece` from the buffer onPiece gave it (the hot set lets it go first) */
  readThrough? (piece: number): void
  /** register/unregister a pending read so close() can reject it */
  track (abort: (err: Error) => void): () => void
  /** read-ahead cap for one reader (cache budget shared by active readers) */
  readaheadCap (): number
}

/**
 * Exactly the bytes of `file` at [offset, offset+length) (clamped to the file end). `track`
 * registers the read's abort with its reader too (Reader.close rejects it), besides the host.
 */
export async function readFileRange (host: ReadHost, file: TorrentFileInfo, offset: number, length: number, opts: ReadOptions = {}, track?: (abort: (err: Error) => void) => () => void): Promise<Buffer> {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`bad offset ${offset}`)
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad length ${length}`)
  const len = offset >= file.length ? 0 : Math.min(length, file.length - offset)
  if (len === 0) return Buffer.alloc(0)
  opts.signal?.throwIfAborted()
  if (host.closed) throw new ClosedError('torrent closed')
  host.touch()
  const deadline = opts.deadline ?? Date.now() + host.readTimeoutMs
  const start = file.offset + offset
  const end = start + len
  const pl = host.info.pieceLength
  const missing = new Set<number>()
  for (let p = Math.floor(start / pl); p <= Math.floor((end - 1) / pl); p++) missing.add(p)
  // a range inside one piece is answered with a view of the piece's buffer when the caller
  // allows it (opts.shared: a streamed response, whose reads are cut at piece boundaries): one
  // copy less of every byte served, and no buffer of the read's size to allocate and collect
  const out = missing.size === 1 ? null : Buffer.allocUnsafe(len)
  let view: Buffer | null = null

  return await new Promise<Buffer>((resolve, reject) => {
    const unsubs: Array<() => void> = []
    let timer: NodeJS.Timeout | undefined
    let settled = false
    const cls = opts.priority ?? 'urgent'
    const due = cls === 'urgent' ? deadline : Infinity
    const source: WantSource = { collect: (add) => { for (const p of missing) add(p, cls, due, Math.max(0, p * pl - start)) } }
    const finish = (err?: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      for (const u of unsubs) u()
      untrack()
      untrackReader?.()
      host.removeSource(source)
      if (err !== undefined) reject(err)
      else resolve(view ?? out!)
    }
    const onAbort = (): void => { finish(opts.signal?.reason ?? new Error('aborted')) }
    const untrack = host.track(err => { finish(err) })
    const untrackReader = track?.(err => { finish(err) })
    /**
     * Takes piece p's bytes from `data` (at torrent offset dataStart); true when `data` itself
     * became the result. `lent`: `data` is a view lent already (pieceSlice's), not the piece's
     * own buffer (onPiece's), which never leaves unlent: its memory would be reused under the
     * holder's feet.
     */
    const copy = (p: number, data: Buffer, dataStart: number, lent: boolean): boolean => {
      if (settled || !missing.has(p)) return false
      const a = Math.max(start, p * pl)
      const b = Math.min(end, (p + 1) * pl)
      let kept = false
      if (out !== null) data.copy(out, a - start, a - dataStart, b - dataStart)
      else if (opts.shared !== true) view = Buffer.from(data.subarray(a - dataStart, b - dataStart))
      // a slice that is exactly the range (pieceSlice's, lent already) goes out as it is: a
      // view of it would be a second lend, the first one then only collectable, and its piece
      // kept out of reuse until a collection whatever the caller gives back
      else if (lent && a === dataStart && b - a === data.length) { view = data; kept = true }
      else view = host.lend(data.subarray(a - dataStart, b - dataStart))
      if (!lent && b - dataStart === data.length) host.readThrough?.(p)
      missing.delete(p)
      if (missing.size === 0) finish()
      return kept
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    const wait = Math.max(0, deadline - Date.now())
    timer = setTimeout(() => { finish(new TimeoutError('read_timeout', `read of ${len} bytes at ${offset} in ${file.path} timed out`)) }, wait)
    for (const p of missing) unsubs.push(host.onPiece(p, buf => { copy(p, buf, p * pl, false) }))
    host.addSource(source)
    for (const p of [...missing]) {
      const a = Math.max(start, p * pl) - p * pl
      const b = Math.min(end, (p + 1) * pl) - p * pl
      host.pieceSlice(p, a, b).then(data => {
        // a slice copied from (or not needed any more) goes straight back to its piece
        if (data !== null && !copy(p, data, p * pl + a, true)) giveBack(data)
      }, () => {})
    }
  })
}

/** A reader nobody sized keeps this window (or two pieces, when larger). */
const MIN_WINDOW = 2 * 1024 * 1024
/**
 * A caller that said where it stops (limit(), a bounded HTTP Range) will read everything up to
 * there: up to this much of it is wanted at once whatever the window (a probe's window is
 * small), so the swarm works on the whole request, nearest first, with no gap for other work.
 */
const BOUNDED_AHEAD = 8 * 1024 * 1024

export class Reader implements WantSource, FileReader {
  /** torrent offset of the end of the last read (-1 before the first) */
  private pos = -1
  /** torrent offset of the start of the last read */
  private start = -1
  /**
   * The last read continued the one before (it started between that read's start and the end
   * of the window behind it): the reader streams, and its window is wanted at full depth.
   * Until then it may be a player's probe (the header, the Cues at the end, a seek target read
   * once): its window is shallow, since whatever the peers queue for it, the next probe waits
   * behind.
   */
  private streaming = false
  /** the caller said it may stop reading soon (setReadahead's shallow) */
  private probe = false
  private window: number
  /** file offset the window never passes (limit()) */
  private until = Infinity
  private closed = false
  /** pending reads' aborts: close() rejects them */
  private readonly aborts = new Set<(err: Error) => void>()
  private readonly trackRead = (abort: (err: Error) => void): () => void => {
    this.aborts.add(abort)
    return () => { this.aborts.delete(abort) }
  }

  constructor (private readonly host: ReadHost, readonly file: TorrentFileInfo, window: number | undefined, private readonly onClose: (r: Reader) => void) {
    this.window = window ?? Math.max(MIN_WINDOW, 2 * host.info.pieceLength)
  }

  setReadahead (bytes: number, opts: { shallow?: boolean } = {}): void {
    this.window = Math.max(0, Math.floor(bytes))
    this.probe = opts.shallow === true
    this.rewant()
  }

  limit (end: number): void {
    this.until = Math.max(0, end)
    this.rewant()
  }

  /** The window changed: the scheduler collects it again (nothing once closed). */
  private rewant (): void {
    this.host.removeSource(this)
    if (!this.closed) this.host.addSource(this)
  }

  collect (add: AddWant): void {
    if (this.closed || this.pos < 0) return
    const pl = this.host.info.pieceLength
    const until = this.file.offset + Math.min(this.file.length, this.until)
    const rest = this.until === Infinity ? 0 : Math.min(BOUNDED_AHEAD, until - this.pos)
    const win = Math.min(Math.max(this.window, rest), this.host.readaheadCap())
    const end = Math.min(until, this.pos + win)
    if (end <= this.pos) return
    // a caller that stated its end reads up to there: no probe
    const shallow = (this.probe || !this.streaming) && this.until === Infinity
    for (let p = Math.floor(this.pos / pl); p * pl < end; p++) add(p, 'readahead', Infinity, Math.max(0, p * pl - this.pos), shallow)
  }

  async read (offset: number, length: number, opts: ReadOptions = {}): Promise<Buffer> {
    if (this.closed) throw new ClosedError('reader closed')
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`bad offset ${offset}`)
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad length ${length}`)
    // nothing to read: no window move, no activity, no piece work
    if (length === 0 || offset >= this.file.length) return Buffer.alloc(0)
    const start = this.file.offset + offset
    this.streaming = this.pos >= 0 && start >= this.start && start <= this.pos + this.window
    this.start = start
    this.pos = this.file.offset + Math.min(this.file.length, offset + length)
    this.rewant()
    // no AbortController per read: AbortSignal.any() was 4 % of the CPU of a sequential read at
    // full speed, with its weak references more garbage collection on top
    return await readFileRange(this.host, this.file, offset, length, opts, this.trackRead)
  }

  close (): void {
    if (this.closed) return
    this.closed = true
    for (const abort of [...this.aborts]) abort(new ClosedError('reader closed'))
    this.host.removeSource(this)
    this.onClose(this)
  }
}

/** A range kept wanted at one priority until released (pinned in the cache while held). */
export class Prefetch implements WantSource, PrefetchHandle {
  private released = false
  constructor (private readonly host: ReadHost, private readonly file: TorrentFileInfo, private readonly offset: number, private readonly length: number, private readonly priority: PiecePriority) {
    host.addSource(this)
  }

  collect (add: AddWant): void {
    if (this.released || this.length <= 0 || this.offset >= this.file.length) return
    const pl = this.host.info.pieceLength
    const start = this.file.offset + this.offset
    const end = this.file.offset + Math.min(this.file.length, this.offset + this.length)
    // an urgent range is as pressing as a read issued now
    const deadline = this.priority === 'urgent' ? Date.now() + this.host.readTimeoutMs : Infinity
    for (let p = Math.floor(start / pl); p * pl < end; p++) add(p, this.priority, deadline, Math.max(0, p * pl - start))
  }

  release (): void {
    this.released = true
    this.host.removeSource(this)
  }
}
