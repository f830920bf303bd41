// Piece memory reused instead of allocated for every piece. A fresh 1 MiB buffer per piece was
// the engine's largest cost at full speed: V8 counts buffer memory toward a full garbage
// collection every few tens of MiB allocated (concurrent marking and sweeping were 40 % of the
// CPU of a sequential read, perf), and glibc hands the pages of each new piece out again
// through page faults.
//
// A piece's memory is reused only when nothing can still see it:
// - owners count references: the piece being assembled (Scheduler), verified and being written
//   (Transfer), kept in memory (HotPieces); take() starts at one, retain/release count;
// - every view of it handed out of the engine is lent: lend() registers the view object, and
//   its piece counts it back when its holder gives it back (giveBack: a streamed response
//   whose socket write completed, webdav/stream.ts) or, for a view that left any other way,
//   once the garbage collector has found it unreachable. Waiting for the collector alone kept
//   a full-speed stream taking fresh pieces until the next major collection (more external
//   memory, so more major collections). A view derived from a lent view (subarray) is lent too
//   when the engine makes it; callers that keep bytes past the object they were given must ask
//   for a copy (see ReadOptions.shared), which is the default.
// A piece nobody returns (dropped mid-assembly, failed its hash check before being released)
// is simply collected. At most `maxFreeBytes` wait in the free list, emptied once no piece was
// taken for TRIM_MS (before quiet-gc.ts collects, so the memory goes back while idle).

const TRIM_MS = 1500

/** Every view lent and not yet given back, with the pool and piece it came from. */
const lentViews = new WeakMap<Buffer, { pool: PiecePool, entry: Entry }>()

/**
 * The holder of `view` is done with it (its bytes were written out): if it is a lent view of
 * piece memory, its piece counts it back now instead of once it is collected, and may be
 * reused at once, so the caller must not read `view` afterwards. No-op for any other buffer,
 * and for a view given back already.
 */
export function giveBack (view: Buffer): void {
  const lent = lentViews.get(view)
  if (lent === undefined) return
  lentViews.delete(view)
  lent.pool.returned(view, lent.entry)
}

interface Entry {
  base: Buffer
  refs: number
  lent: number
  free: boolean
}

export class PiecePool {
  private readonly free = new Map<number, Buffer[]>()
  private freeBytes = 0
  private readonly entries = new WeakMap<ArrayBufferLike, Entry>()
  private readonly lends = new FinalizationRegistry<Entry>((e) => { this.collected++; e.lent--; this.recycle(e) })
  /** pieces taken from the free list, and allocated (for the benches' counters) */
  reused = 0
  allocated = 0
  /** lent views given back by their holder, and found unreachable by the collector */
  givenBack = 0
  collected = 0

  private trimTimer: NodeJS.Timeout | undefined

  constructor (private readonly maxFreeBytes: number) {}

  /** A buffer of `size` bytes (contents undefined), one reference held by the caller. */
  take (size: number): Buffer {
    if (this.trimTimer === undefined) {
      this.trimTimer = setTimeout(() => { this.trimTimer = undefined; this.trim() }, TRIM_MS)
      this.trimTimer.unref()
    } else this.trimTimer.refresh()
    const b = this.free.get(size)?.pop()
    if (b !== undefined) {
      const e = this.entries.get(b.buffer)!
      e.free = false
      e.refs = 1
      this.freeBytes -= size
      this.reused++
      return b
    }
    // its own memory (allocUnsafe may hand out a slice of a shared pool for small sizes)
    const base = Buffer.allocUnsafeSlow(size)
    this.entries.set(base.buffer, { base, refs: 1, lent: 0, free: false })
    this.allocated++
    return base
  }

  /** One more owner of `buf`'s piece (no-op for memory the pool did not hand out). */
  retain (buf: Buffer): void {
    const e = this.entries.get(buf.buffer)
    if (e !== undefined && !e.free) e.refs++
  }

  /** An owner is done with `buf`'s piece. */
  release (buf: Buffer): void {
    const e = this.entries.get(buf.buffer)
    if (e === undefined || e.free || e.refs <= 0) return
    e.refs--
    this.recycle(e)
  }

  /** `view` (of pooled memory or not) leaves the engine: its piece is not reused while it lives. */
  lend (view: Buffer): Buffer {
    const e = this.entries.get(view.buffer)
    if (e !== undefined && !e.free && !lentViews.has(view)) {
      e.lent++
      // the view is its own unregister token: giveBack() cancels the collector's call
      this.lends.register(view, e, view)
      lentViews.set(view, { pool: this, entry: e })
    }
    return view
  }

  /** giveBack()'s half: `view` of `e`'s piece is no longer out. */
  returned (view: Buffer, e: Entry): void {
    this.lends.unregister(view)
    this.givenBack++
    e.lent--
    this.recycle(e)
  }

  /** Drops the free list and stops the trim timer (the engine closes). */
  close (): void {
    clearTimeout(this.trimTimer)
    this.trimTimer = undefined
    this.trim()
  }

  /** Drops the free list (memory goes back to the allocator: idle, nothing streaming). */
  trim (): void {
    for (const list of this.free.values()) for (const b of list) this.entries.delete(b.buffer)
    this.free.clear()
    this.freeBytes = 0
  }

  private recycle (e: Entry): void {
    if (e.refs > 0 || e.lent > 0 || e.free || this.entries.get(e.base.buffer) !== e) return
    const size = e.base.length
    // kept only while pieces are being taken: one that comes back once traffic stopped (its
    // last view collected by quiet-gc.ts's collection) would sit in the free list for good
    if (this.trimTimer === undefined || this.freeBytes + size > this.maxFreeBytes) { this.entries.delete(e.base.buffer); return }
    e.free = true
    this.freeBytes += size
    let list = this.free.get(size)
    if (list === undefined) { list = []; this.free.set(size, list) }
    list.push(e.base)
  }
}
