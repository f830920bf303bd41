// All SQL for torrent_assignments. One active assignment per item is enforced by a partial
// unique index; create() deactivates the previous one in the same transaction, so there is
// never a moment with two or with none by accident.
import type { Db } from '../db/open.ts'
import { fromRow, type AssignmentRow as Row } from './mapper.ts'
import type { Assignment, ItemType, NewAssignment, NewItemAssignment, ShowEpisodeSlot, StoredAssignment } from './types.ts'

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
    return this.createMany([{ itemType, itemId, assignment: a }], now)[0]!.assignment
  }

  /**
   * Stores several assignments in one transaction (a season pack): all or none. Each item's
   * previous active assignment is deactivated and returned beside the new one.
   */
  createMany (entries: readonly NewItemAssignment[], now = new Date()): StoredAssignment[] {
    const stamp = now.toISOString()
    const deactivate = this.db.prepare(`UPDATE torrent_assignments SET is_active = 0, deactivated_at = ?
      WHERE item_type = ? AND item_id = ? AND is_active = 1 RETURNING *`)
    const insert = this.db.prepare(`INSERT INTO torrent_assignments
      (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, resolution, source, is_active, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING *`)
    const stored = this.db.transaction(() => entries.map(({ itemType, itemId, assignment: a }) => {
      const previous = deactivate.get(stamp, itemType, itemId) as Row | undefined
      const row = insert.get(itemType, itemId, a.infoHash, a.magnetUri, a.filePath, a.fileIndex, a.fileSize,
        a.resolution ?? null, a.source ?? null, stamp) as Row
      return { assignment: fromRow(row), previous: previous === undefined ? null : fromRow(previous) }
    }))()
    if (stored.length > 0) this.onChange()
    return stored
  }

  /** Whether the show exists (season packs are assigned to a show). */
  showExists (showId: number): boolean {
    return this.db.prepare('SELECT 1 FROM shows WHERE id = ?').get(showId) !== undefined
  }

  /** Every episode of the show with its numbers, air date and active assignment, in order. */
  showEpisodes (showId: number): ShowEpisodeSlot[] {
    const rows = this.db.prepare(`SELECT e.id AS episode_id, s.season_number AS season, e.episode_number AS episode,
        e.name AS name, e.air_date AS air_date
      FROM episodes e JOIN seasons s ON s.id = e.season_id
      WHERE s.show_id = ? ORDER BY s.season_number, e.episode_number`).all(showId) as Array<{
      episode_id: number, season: number, episode: number, name: string | null, air_date: string | null
    }>
    const active = new Map(this.activeForShow(showId).map((a) => [a.itemId, a]))
    return rows.map((r) => ({
      episodeId: r.episode_id,
      season: r.season,
      episode: r.episode,
      name: r.name,
      airDate: r.air_date,
      active: active.get(r.episode_id) ?? null
    }))
  }

  private activeForShow (showId: number): Assignment[] {
    return (this.db.prepare(`SELECT a.* FROM torrent_assignments a
      JOIN episodes e ON a.item_type = 'episode' AND a.item_id = e.id AND a.is_active = 1
      JOIN seasons s ON s.id = e.season_id WHERE s.show_id = ?`).all(showId) as Row[]).map(fromRow)
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
