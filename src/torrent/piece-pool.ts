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
// is simply collected with its slab. Free pieces wait for reuse while pieces are being taken;
// once none was taken for TRIM_MS (before quiet-gc.ts collects) every slab with no piece in use
// is dropped, and so is one that empties while the free pieces exceed `maxFreeBytes`.
//
// Pieces are cut from slabs of more than 32 MiB. glibc serves an allocation that large with
// its own mmap, always, and unmaps it when it is freed; a single piece of 1 MiB it serves from
// its heap once it has seen one freed (its mmap threshold follows the sizes freed, up to
// 32 MiB), and a heap it keeps: a server that had streamed stayed at 155 MiB RSS for good
// (76 MiB with MALLOC_MMAP_THRESHOLD_ set, same bench). A slab's pages count in RSS only once
// a piece of it was written, and it goes back to the OS as a whole.

import { DIRECT_ALIGN } from './direct-writes.ts'

/** A slab holds more than this, so glibc always maps it on its own. */
const SLAB_OVER = 32 * 1024 * 1024
/** Bytes from a slab's start to the first page boundary in it (glibc's mapped chunk header is 16). */
const PAGE_LEAD = DIRECT_ALIGN - 16
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
  slab: Slab
  base: Buffer
  refs: number
  lent: number
  free: boolean
}

/** One allocation cut into pieces of one size; `used` counts its pieces not free. */
interface Slab {
  memory: ArrayBuffer
  size: number
  /** where its first piece starts (page-aligned pieces, see PAGE_LEAD) */
  lead: number
  pieces: Entry[]
  /** pieces given back, to be handed out again (their pages are resident already) */
  free: Entry[]
  /** pieces never handed out yet: those from `pieces.length` to here */
  capacity: number
  used: number
  dropped: boolean
}

export class PiecePool {
  /** slabs by piece size, oldest first: pieces come from the oldest, so the newest can empty */
  private readonly slabs = new Map<number, Slab[]>()
  private freeBytes = 0
  private readonly bySlab = new WeakMap<ArrayBufferLike, Slab>()
  private readonly lends = new FinalizationRegistry<Entry>((e) => { this.collected++; e.lent--; this.recycle(e) })
  /** pieces taken from the free list, and from memory never used before (for the benches' counters) */
  reused = 0
  allocated = 0
  /** lent views given back by their holder, and found unreachable by the collector */
  givenBack = 0
  collected = 0
  /** pieces handed out and not back yet, and the bytes of all slabs (metrics, tests) */
  inUse = 0
  slabBytes = 0

  private trimTimer: NodeJS.Timeout | undefined

  constructor (private readonly maxFreeBytes: number) {}

  /** A buffer of `size` bytes (contents undefined), one reference held by the caller. */
  take (size: number): Buffer {
    if (this.trimTimer === undefined) {
      this.trimTimer = setTimeout(() => { this.trimTimer = undefined; this.trim() }, TRIM_MS)
      this.trimTimer.unref()
    } else this.trimTimer.refresh()
    const slabs = this.slabs.get(size) ?? []
    const e = this.takeFree(slabs) ?? this.takeNew(slabs, size)
    e.free = false
    e.refs = 1
    e.slab.used++
    this.inUse++
    return e.base
  }

  /** One more owner of `buf`'s piece (no-op for memory the pool did not hand out). */
  retain (buf: Buffer): void {
    const e = this.entryOf(buf)
    if (e !== undefined && !e.free) e.refs++
  }

  /** An owner is done with `buf`'s piece. */
  release (buf: Buffer): void {
    const e = this.entryOf(buf)
    if (e === undefined || e.free || e.refs <= 0) return
    e.refs--
    this.recycle(e)
  }

  /** `view` (of pooled memory or not) leaves the engine: its piece is not reused while it lives. */
  lend (view: Buffer): Buffer {
    const e = this.entryOf(view)
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

  /** Drops the free slabs and stops the trim timer (the engine closes). */
  close (): void {
    clearTimeout(this.trimTimer)
    this.trimTimer = undefined
    this.trim()
  }

  /** Drops every slab with no piece in use (its memory goes back to the OS: idle, nothing streaming). */
  trim (): void {
    for (const slabs of this.slabs.values()) for (const slab of [...slabs]) if (slab.used === 0) this.drop(slab)
  }

  private takeFree (slabs: Slab[]): Entry | undefined {
    for (const slab of slabs) {
      const e = slab.free.pop()
      if (e === undefined) continue
      this.freeBytes -= slab.size
      this.reused++
      return e
    }
    return undefined
  }

  private takeNew (slabs: Slab[], size: number): Entry {
    let slab = slabs.find((s) => s.pieces.length < s.capacity)
    if (slab === undefined) {
      const capacity = Math.floor(SLAB_OVER / size) + 1
      const lead = size % DIRECT_ALIGN === 0 ? PAGE_LEAD : 0
      // its own memory (allocUnsafe may hand out a slice of a shared pool for small sizes)
      const memory = Buffer.allocUnsafeSlow(lead + capacity * size).buffer as ArrayBuffer
      slab = { memory, size, lead, pieces: [], free: [], capacity, used: 0, dropped: false }
      this.bySlab.set(memory, slab)
      this.slabBytes += memory.byteLength
      slabs.push(slab)
      this.slabs.set(size, slabs)
    }
    const e: Entry = { slab, base: Buffer.from(slab.memory, slab.lead + slab.pieces.length * size, size), refs: 0, lent: 0, free: false }
    slab.pieces.push(e)
    this.allocated++
    return e
  }

  private entryOf (buf: Buffer): Entry | undefined {
    const slab = this.bySlab.get(buf.buffer)
    return slab?.pieces[Math.floor((buf.byteOffset - slab.lead) / slab.size)]
  }

  private recycle (e: Entry): void {
    if (e.refs > 0 || e.lent > 0 || e.free || e.slab.dropped) return
    const slab = e.slab
    e.free = true
    slab.used--
    this.inUse--
    slab.free.push(e)
    this.freeBytes += slab.size
    // one that comes back once traffic stopped (its last view collected by quiet-gc.ts's
    // collection) would keep its slab for good
    if (slab.used === 0 && (this.trimTimer === undefined || this.freeBytes > this.maxFreeBytes)) this.drop(slab)
  }

  /** Forgets a slab none of whose pieces is in use: collected, it is unmapped. */
  private drop (slab: Slab): void {
    slab.dropped = true
    this.freeBytes -= slab.free.length * slab.size
    this.bySlab.delete(slab.memory)
    this.slabBytes -= slab.memory.byteLength
    const slabs = this.slabs.get(slab.size)!
    slabs.splice(slabs.indexOf(slab), 1)
    if (slabs.length === 0) this.slabs.delete(slab.size)
  }
}
