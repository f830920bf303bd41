// All SQL for torrent_assignments. One active assignment per item is enforced by a partial
// unique index; create() deactivates the previous one in the same transaction, so there is
// never a moment with two or with none by accident.
import type { Db } from '../db/open.ts'
import { fromRow, type AssignmentRow as Row } from './mapper.ts'
import type { Assignment, ItemType, NewAssignment } from './types.ts'

export class AssignmentRepository {
  private readonly db: Db
  private readonly onChange: () => void

  /** `onChange` runs after every write (the library tree is rebuilt from assignments). */
  constructor (db: Db, onChange: () => void = () => {}) {
    this.db = db
    this.onChange = onChange
  }

  /** Whether the movie or episode exists (assignments reference either table). */
  itemExists (itemType: ItemType, itemId: number): boolean {
    const table = itemType === 'movie' ? 'movies' : 'episodes'
    return this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(itemId) !== undefined
  }

  /** Season and episode numbers of an episode (to pick its file in a season pack). */
  episodeNumbers (episodeId: number): { season: number, episode: number } | null {
    const row = this.db.prepare(`SELECT s.season_number AS season, e.episode_number AS episode
      FROM episodes e JOIN seasons s ON s.id = e.season_id WHERE e.id = ?`).get(episodeId) as { season: number, episode: number } | undefined
    return row ?? null
  }

  /** Stores a new active assignment, deactivating the item's previous one atomically. */
  create (itemType: ItemType, itemId: number, a: NewAssignment, now = new Date()): Assignment {
    const stamp = now.toISOString()
    const row = this.db.transaction(() => {
      this.db.prepare(`UPDATE torrent_assignments SET is_active = 0, deactivated_at = ?
        WHERE item_type = ? AND item_id = ? AND is_active = 1`).run(stamp, itemType, itemId)
      const info = this.db.prepare(`INSERT INTO torrent_assignments
        (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, resolution, source, is_active, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`).run(
        itemType, itemId, a.infoHash, a.magnetUri, a.filePath, a.fileIndex, a.fileSize,
        a.resolution ?? null, a.source ?? null, stamp)
      return this.db.prepare('SELECT * FROM torrent_assignments WHERE id = ?').get(info.lastInsertRowid) as Row
    })()
    this.onChange()
    return fromRow(row)
  }

  getActive (itemType: ItemType, itemId: number): Assignment | null {
    const row = this.db.prepare(`SELECT * FROM torrent_assignments
      WHERE item_type = ? AND item_id = ? AND is_active = 1`).get(itemType, itemId) as Row | undefined
    return row === undefined ? null : fromRow(row)
  }

  /** Active assignments that use this torrent (which library items would lose their file). */
  activeByHash (infoHash: string): Assignment[] {
    return (this.db.prepare(`SELECT * FROM torrent_assignments WHERE info_hash = ? AND is_active = 1 ORDER BY id`)
      .all(infoHash) as Row[]).map(fromRow)
  }

  /** Every active assignment (for counts and the torrent list). */
  allActive (): Assignment[] {
    return (this.db.prepare('SELECT * FROM torrent_assignments WHERE is_active = 1 ORDER BY id').all() as Row[]).map(fromRow)
  }

  /** Deactivates one assignment; returns false when it was not active. */
  deactivate (id: number, now = new Date()): boolean {
    const changes = this.db.prepare(`UPDATE torrent_assignments SET is_active = 0, deactivated_at = ?
      WHERE id = ? AND is_active = 1`).run(now.toISOString(), id).changes
    if (changes > 0) this.onChange()
    return changes > 0
  }
}
