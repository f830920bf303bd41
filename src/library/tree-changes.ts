// Reads the tree_changes log (migration 005, written by triggers): which movies and shows
// changed since a position, so the VFS redraws only their folders. The reader prunes what it
// has applied; a position older than the pruned floor answers null (rebuild everything), so a
// second reader is never wrong, only slower.
import type { Db } from '../db/open.ts'

export interface TreeChanges {
  /** the position after these changes (pass it to the next since()) */
  seq: number
  movies: number[]
  shows: number[]
}

export interface TreeChangeLog {
  /** The current end of the log: a full build made now is up to date to here. */
  head (): number
  /** Movies and shows changed after `seq`; null when that part of the log is gone. */
  since (seq: number): TreeChanges | null
}

// seasons and episodes are resolved to their show here; one that is gone resolves to nothing,
// which is right: deleting it also logged its (still existing or itself deleted) parent
const CHANGED = `
  SELECT 'movie' AS kind, item_id AS id FROM tree_changes WHERE seq > @seq AND seq <= @head AND kind = 'movie'
  UNION SELECT 'show', item_id FROM tree_changes WHERE seq > @seq AND seq <= @head AND kind = 'show'
  UNION SELECT 'show', se.show_id FROM tree_changes c JOIN seasons se ON se.id = c.item_id
    WHERE c.seq > @seq AND c.seq <= @head AND c.kind = 'season'
  UNION SELECT 'show', se.show_id FROM tree_changes c JOIN episodes e ON e.id = c.item_id JOIN seasons se ON se.id = e.season_id
    WHERE c.seq > @seq AND c.seq <= @head AND c.kind = 'episode'`

export function createTreeChangeLog (db: Db): TreeChangeLog {
  const head = db.prepare('SELECT coalesce(MAX(seq), 0) FROM tree_changes').pluck()
  const floor = db.prepare('SELECT coalesce(MIN(seq), 0) FROM tree_changes').pluck()
  const changed = db.prepare(CHANGED)
  const prune = db.prepare('DELETE FROM tree_changes WHERE seq <= ?')
  // rows at or below this were deleted: a position under it cannot be answered
  let pruned = 0
  return {
    head: () => head.get() as number,
    since (seq) {
      const end = head.get() as number
      const first = floor.get() as number
      // someone else pruned (another process on the file), or we did past this position
      if (seq < pruned || (first > seq + 1)) return null
      const movies: number[] = []
      const shows: number[] = []
      for (const r of changed.all({ seq, head: end }) as Array<{ kind: string, id: number }>) (r.kind === 'movie' ? movies : shows).push(r.id)
      if (end > seq) { prune.run(end); pruned = end }
      return { seq: end, movies, shows }
    }
  }
}
