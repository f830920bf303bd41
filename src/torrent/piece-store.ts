// What a torrent's Transfer needs from wherever verified pieces are kept. Two implementations
// compose: DiskPieceStore (disk-store.ts, one file per piece under a byte budget shared by every
// torrent) and HotPieceStore (hot-pieces.ts, recently used pieces kept in memory in front of
// another store). PieceCache (piece-cache.ts) builds one per torrent. Every store passes the
// same conformance suite (test/unit/piece-store-conformance.test.ts).
import type { Bitfield } from './bitfield.ts'

/**
 * Why a piece is stored: 'cold', nobody is about to read it (a prefetched piece), so it goes to
 * disk only; 'ahead', read-ahead a reader reaches later; 'reading', a read waits on it now.
 */
export type WriteUse = 'cold' | 'ahead' | 'reading'

export interface PieceStore {
  /** the pieces held: verified when stored, read back only if they still hash right */
  readonly have: Bitfield
  /** bytes this torrent holds in the store */
  readonly bytes: number
  /**
   * Stores a verified piece. False when it was not kept: no room that is not pinned, a disk
   * that refuses the write (nothing is left behind then), or a store closed or destroyed.
   * True for a piece already held. `use` tells a store that keeps recent pieces in memory what
   * the piece is for (WriteUse).
   */
  write (index: number, data: Buffer, use?: WriteUse): Promise<boolean>
  /**
   * Bytes [offset, offset+length) of a held piece, or null when it is not held, or no longer
   * what was verified (changed on disk, shortened, unreadable): such a piece is dropped (the
   * `evicted` hook runs) so the caller fetches it again. Never returns wrong bytes. `into`:
   * memory of at least `length` bytes the store may read into (the result is then a view of
   * it, pooled piece memory instead of a fresh buffer); it may answer with its own memory too.
   */
  read (index: number, offset: number, length: number, into?: Buffer): Promise<Buffer | null>
  /** Marks a held piece as just used: the last to be evicted for room. */
  touch (index: number): void
  /**
   * A reader got to the end of the piece outside the store (from its buffer while it was being
   * written): a store that keeps recent pieces in memory lets this one go first.
   */
  consumed? (index: number): void
  /** Drops a held piece (no-op when not held); the `evicted` hook runs. */
  evict (index: number): Promise<void>
  /** Deletes every piece of this torrent; nothing is written for it afterwards. */
  destroy (): Promise<void>
}

/** How a store asks its owner, given when the store is built. */
export interface PieceStoreHooks {
  /** pieces the owner needs kept (pending reads, read windows): never evicted for room */
  isPinned?: (index: number) => boolean
  /** a held piece left the store (for room, dropped as corrupt, or evicted): peers hear lt_donthave */
  evicted?: (index: number) => void
}
