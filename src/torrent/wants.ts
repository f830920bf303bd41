// The want vocabulary. Every source of work (a pending read, a reader's window, a prefetch
// handle) names the pieces it wants, each with a class (why it is wanted, see WantClass), a
// deadline (when a blocked read gives up) and a distance (how far the piece lies ahead of the
// bytes the source is at). The scheduler merges the sources into one list, most pressing
// first, and asks peers for nothing else. A want may be shallow: the bytes may never be read
// (a window behind a read that may be a player's probe), so a peer gets one of its blocks
// only while it has nothing else queued (see Scheduler.fill).
import type { WantClass } from './types.ts'

export interface Want {
  piece: number
  class: WantClass
  /** ms since epoch at which the read blocked on it gives up; Infinity when nobody is blocked */
  deadline: number
  /** bytes from where the source stands (a reader's position, a read's or range's start) to the piece */
  distance: number
  /**
   * Nobody may ever read it: what a peer has queued cannot be taken back (CANCEL comes too late
   * at a throttled seeder), and the next read would wait behind it. Wanted at any depth by
   * another source, it is not shallow.
   */
  shallow: boolean
}

export type AddWant = (piece: number, cls: WantClass, deadline: number, distance: number, shallow?: boolean) => void

/** Anything that wants pieces; collect() is called again whenever the wants are rebuilt. */
export interface WantSource { collect (add: AddWant): void }

/** Order of the classes: lower is served first. */
const CLASS_ORDER: Readonly<Record<WantClass, number>> = { urgent: 0, readahead: 1, deferred: 2, background: 3 }

type Rank = Pick<Want, 'class' | 'deadline' | 'distance' | 'shallow'>

/**
 * Negative when `a` is more pressing than `b`: by class, then deadline, then depth (a
 * streaming reader's window before a probe's), then distance.
 */
function compare (a: Rank, b: Rank): number {
  return CLASS_ORDER[a.class] - CLASS_ORDER[b.class] || (a.deadline === b.deadline ? 0 : a.deadline < b.deadline ? -1 : 1) ||
    Number(a.shallow) - Number(b.shallow) || a.distance - b.distance
}

/**
 * The sources' wants of pieces in [0, pieceCount), one per piece: when several sources want a
 * piece, the most pressing want counts (an urgent read inside a reader's window is urgent),
 * and it is shallow only when every source's want is.
 */
export function gatherWants (sources: Iterable<WantSource>, pieceCount: number): Map<number, Want> {
  const map = new Map<number, Want>()
  for (const src of sources) {
    src.collect((piece, cls, deadline, distance, shallow = false) => {
      if (piece < 0 || piece >= pieceCount) return
      const w = map.get(piece)
      if (w === undefined) map.set(piece, { piece, class: cls, deadline, distance, shallow })
      else {
        if (compare({ class: cls, deadline, distance, shallow }, w) < 0) { w.class = cls; w.deadline = deadline; w.distance = distance }
        w.shallow &&= shallow
      }
    })
  }
  return map
}

/** The wants, most pressing first (ties by piece index: lower pieces first). */
export function orderWants (wants: Map<number, Want>): Want[] {
  return [...wants.values()].sort((a, b) => compare(a, b) || a.piece - b.piece)
}
