// All SQL for subtitles. A torrent subtitle belongs to an assignment and is listed only while
// that assignment is active; a downloaded one belongs to the item and stays until deleted.
import type { Db } from '../db/open.ts'
import type { Assignment, ItemType } from '../assignments/types.ts'
import { fromRow as assignmentFromRow, type AssignmentRow } from '../assignments/mapper.ts'
import type { DownloadedSubtitle, FoundSubtitle, Subtitle, SubtitleFormat } from './types.ts'

interface Row {
  id: number
  item_type: ItemType
  item_id: number
  origin: 'torrent' | 'opensubtitles'
  assignment_id: number | null
  file_index: number | null
  file_path: string | null
  stored_name: string | null
  external_id: string | null
  release: string | null
  language: string | null
  forced: number
  sdh: number
  format: SubtitleFormat
  size: number
  created_at: string
  /** the assignment's torrent (torrent rows only, joined) */
  info_hash: string | null
  magnet_uri: string | null
}

/** Subtitle rows with their assignment's torrent (torrent rows). */
const SELECT = 'SELECT s.*, a.info_hash, a.magnet_uri FROM subtitles s LEFT JOIN torrent_assignments a ON a.id = s.assignment_id'
/** Subtitles that are shown: downloaded ones, and torrent ones of active assignments. */
const VISIBLE = `${SELECT} WHERE (s.origin = 'opensubtitles' OR a.is_active = 1)`

function fromRow (r: Row): Subtitle {
  return {
    id: r.id,
    itemType: r.item_type,
    itemId: r.item_id,
    origin: r.origin,
    language: r.language,
    forced: r.forced === 1,
    sdh: r.sdh === 1,
    format: r.format,
    size: r.size,
    externalId: r.external_id,
    release: r.release,
    createdAt: new Date(r.created_at),
    source: r.origin === 'torrent'
      ? { kind: 'torrent', assignmentId: r.assignment_id!, infoHash: r.info_hash!, magnetUri: r.magnet_uri!, fileIndex: r.file_index!, filePath: r.file_path! }
      : { kind: 'local', storedName: r.stored_name! }
  }
}

export class SubtitleRepository {
  constructor (private readonly db: Db, private readonly onChange: () => void = () => {}) {}

  /** Every shown subtitle, in id order (the tree groups them by item). */
  allVisible (): Subtitle[] {
    return (this.db.prepare(`${VISIBLE} ORDER BY s.id`).all() as Row[]).map(fromRow)
  }

  /** The item's shown subtitles. */
  forItem (itemType: ItemType, itemId: number): Subtitle[] {
    return (this.db.prepare(`${VISIBLE} AND s.item_type = ? AND s.item_id = ? ORDER BY s.id`).all(itemType, itemId) as Row[]).map(fromRow)
  }

  get (id: number): Subtitle | null {
    const row = this.db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as Row | undefined
    return row === undefined ? null : fromRow(row)
  }

  /** Stores what a scan of the assignment's torrent found, and marks it scanned: one transaction. */
  saveScan (a: Pick<Assignment, 'id' | 'itemType' | 'itemId'>, found: readonly FoundSubtitle[], now = new Date()): void {
    const stamp = now.toISOString()
    const insert = this.db.prepare(`INSERT OR IGNORE INTO subtitles
      (item_type, item_id, origin, assignment_id, file_index, file_path, language, forced, sdh, format, size, created_at)
      VALUES (?, ?, 'torrent', ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.db.transaction(() => {
      for (const s of found) {
        insert.run(a.itemType, a.itemId, a.id, s.fileIndex, s.path, s.language, s.forced ? 1 : 0, s.sdh ? 1 : 0, s.format, s.length, stamp)
      }
      this.db.prepare('UPDATE torrent_assignments SET subtitles_scanned_at = ? WHERE id = ?').run(stamp, a.id)
    })()
    if (found.length > 0) this.onChange()
  }

  /** Active assignments whose torrent was never searched for subtitles (made before the scan existed). */
  unscanned (): Assignment[] {
    return (this.db.prepare('SELECT * FROM torrent_assignments WHERE is_active = 1 AND subtitles_scanned_at IS NULL ORDER BY id')
      .all() as AssignmentRow[]).map(assignmentFromRow)
  }

  /** Torrent subtitles of one assignment (to pin them). */
  ofAssignment (assignmentId: number): Subtitle[] {
    return (this.db.prepare(`${VISIBLE} AND s.assignment_id = ? ORDER BY s.id`).all(assignmentId) as Row[]).map(fromRow)
  }

  saveDownload (itemType: ItemType, itemId: number, d: DownloadedSubtitle, now = new Date()): Subtitle {
    const info = this.db.prepare(`INSERT INTO subtitles
      (item_type, item_id, origin, stored_name, external_id, release, language, forced, sdh, format, size, created_at)
      VALUES (?, ?, 'opensubtitles', ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      itemType, itemId, d.storedName, d.externalId, d.release, d.language, d.forced ? 1 : 0, d.sdh ? 1 : 0, d.format, d.size, now.toISOString())
    this.onChange()
    return this.get(Number(info.lastInsertRowid))!
  }

  /** Deletes a subtitle row; returns it (the caller deletes a downloaded file). */
  delete (id: number): Subtitle | null {
    const s = this.get(id)
    if (s === null) return null
    this.db.prepare('DELETE FROM subtitles WHERE id = ?').run(id)
    this.onChange()
    return s
  }

  /** File names of every downloaded subtitle (files under the folder without a row are swept). */
  storedNames (): Set<string> {
    return new Set(this.db.prepare("SELECT stored_name FROM subtitles WHERE origin = 'opensubtitles'").pluck().all() as string[])
  }

  /**
   * What OpenSubtitles searches by: a movie's TMDB id, or an episode's show TMDB id with its
   * season and episode numbers; null when the item does not exist.
   */
  searchIds (itemType: ItemType, itemId: number): { tmdbId: number | null, parentTmdbId: number | null, season?: number, episode?: number } | null {
    if (itemType === 'movie') {
      const row = this.db.prepare('SELECT tmdb_id FROM movies WHERE id = ?').get(itemId) as { tmdb_id: number | null } | undefined
      return row === undefined ? null : { tmdbId: row.tmdb_id, parentTmdbId: null }
    }
    const row = this.db.prepare(`SELECT sh.tmdb_id AS parent, se.season_number AS season, e.episode_number AS episode
      FROM episodes e JOIN seasons se ON se.id = e.season_id JOIN shows sh ON sh.id = se.show_id WHERE e.id = ?`)
      .get(itemId) as { parent: number | null, season: number, episode: number } | undefined
    return row === undefined ? null : { tmdbId: null, parentTmdbId: row.parent, season: row.season, episode: row.episode }
  }

  /** Whether a downloaded subtitle of this OpenSubtitles file is already stored for the item. */
  hasDownload (itemType: ItemType, itemId: number, externalId: string): boolean {
    return this.db.prepare("SELECT 1 FROM subtitles WHERE origin = 'opensubtitles' AND item_type = ? AND item_id = ? AND external_id = ?")
      .get(itemType, itemId, externalId) !== undefined
  }
}
