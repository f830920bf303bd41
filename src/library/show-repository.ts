// The only SQL touching `shows`, `seasons` and `episodes`. A show is written as a whole tree
// in one transaction (add) or merged into the stored tree (refresh), never partially.
import type { Db } from '../db/open.ts'
import type { SeasonMeta } from '../tmdb/types.ts'
import { ASSIGNMENT_COLUMNS, activeAssignmentJoin, now } from './sql.ts'
import { TitleTable, orderBy, type NewTitle } from './title-table.ts'
import type { AssignmentColumns } from '../assignments/types.ts'
import type { EpisodeRow, SeasonRow, ShowListRow, ShowRow } from './types.ts'

export type NewShow = NewTitle
export type EpisodeWithAssignment = EpisodeRow & AssignmentColumns
/** An episode with where it sits, for code that assigns torrents to episodes. */
export type EpisodeLocation = EpisodeRow & { season_number: number, show_id: number, show_title: string, show_year: number | null, show_tmdb_id: number | null }
export interface MergeCounts { addedSeasons: number, addedEpisodes: number, updatedEpisodes: number }

/** the show's episodes: seasons by (show_id, season_number), episodes by (season_id, episode_number) */
const EPISODES_OF_S = 'FROM seasons se JOIN episodes e ON e.season_id = se.id WHERE se.show_id = s.id'
/** an active assignment of episode e (the partial unique index torrent_assignments_active_item) */
const ASSIGNED_E = "EXISTS (SELECT 1 FROM torrent_assignments ta WHERE ta.item_type = 'episode' AND ta.item_id = e.id AND ta.is_active = 1)"
/** episode e aired (a regular season, an air date today or before) and has no file */
const MISSING_E = `se.season_number > 0 AND e.air_date <= @today AND NOT ${ASSIGNED_E}`
const SHOW_COLUMNS = `s.*,
  (SELECT COUNT(*) FROM seasons se WHERE se.show_id = s.id) AS season_count,
  (SELECT COUNT(*) ${EPISODES_OF_S}) AS episode_count,
  (SELECT COUNT(*) ${EPISODES_OF_S} AND ${ASSIGNED_E}) AS episodes_assigned,
  (SELECT COUNT(*) ${EPISODES_OF_S} AND ${MISSING_E}) AS episodes_missing`
/**
 * Shows with an assigned episode, found from the active assignments (one pass, evaluated once
 * per query) rather than by looking through every show's episodes.
 */
const SOME_ASSIGNED = `s.id IN (SELECT se.show_id FROM torrent_assignments ta JOIN episodes e ON e.id = ta.item_id JOIN seasons se ON se.id = e.season_id
  WHERE ta.item_type = 'episode' AND ta.is_active = 1)`
const STATES = { playable: SOME_ASSIGNED, unassigned: `NOT ${SOME_ASSIGNED}`, missing: `EXISTS (SELECT 1 ${EPISODES_OF_S} AND ${MISSING_E})` }
const EPISODE_SELECT = `SELECT e.*, ${ASSIGNMENT_COLUMNS} FROM episodes e ${activeAssignmentJoin('episode', 'e.id')}`

export class ShowRepository extends TitleTable<ShowRow, ShowListRow> {
  private readonly stmts
  /** `now`: the clock "aired" is judged by (tests pin it) */
  constructor (private readonly db: Db, private readonly onChange: () => void, now?: () => Date) {
    super(db, { table: 'shows', alias: 's', columns: SHOW_COLUMNS, joins: '', states: STATES }, now)
    this.stmts = {
      // TMDB may drop a backdrop it had; keep the one we know (as with episode names)
      updateShow: db.prepare(`UPDATE shows SET title = @title, year = @year, overview = @overview,
        poster_path = @poster_path, backdrop_path = coalesce(@backdrop_path, backdrop_path) WHERE id = @id`),
      insertSeason: db.prepare(`INSERT INTO seasons (show_id, season_number, name, air_date, created_at)
        VALUES (?, ?, ?, ?, ?)`),
      findSeason: db.prepare('SELECT * FROM seasons WHERE show_id = ? AND season_number = ?'),
      updateSeason: db.prepare('UPDATE seasons SET name = coalesce(?, name), air_date = coalesce(?, air_date) WHERE id = ?'),
      insertEpisode: db.prepare(`INSERT INTO episodes (season_id, episode_number, name, air_date, created_at)
        VALUES (?, ?, ?, ?, ?)`),
      findEpisode: db.prepare('SELECT * FROM episodes WHERE season_id = ? AND episode_number = ?'),
      // TMDB sometimes drops a name it had; keep what we know rather than blanking it
      updateEpisode: db.prepare('UPDATE episodes SET name = coalesce(?, name), air_date = coalesce(?, air_date) WHERE id = ?'),
      seasonsOf: db.prepare('SELECT * FROM seasons WHERE show_id = ? ORDER BY season_number'),
      episodesOf: db.prepare(`${EPISODE_SELECT} JOIN seasons se ON se.id = e.season_id WHERE se.show_id = ?
        ORDER BY se.season_number, e.episode_number`),
      allShows: db.prepare(`SELECT * FROM shows s ${orderBy('s')}`),
      allSeasons: db.prepare('SELECT * FROM seasons ORDER BY show_id, season_number'),
      allEpisodes: db.prepare(`${EPISODE_SELECT} ORDER BY e.season_id, e.episode_number`),
      episodeById: db.prepare(`${EPISODE_SELECT} WHERE e.id = ?`),
      episodeLocation: db.prepare(`SELECT e.*, se.season_number, se.show_id, s.title AS show_title, s.year AS show_year, s.tmdb_id AS show_tmdb_id
        FROM episodes e JOIN seasons se ON se.id = e.season_id JOIN shows s ON s.id = se.show_id WHERE e.id = ?`),
      delete: db.prepare('DELETE FROM shows WHERE id = ?'),
      deleteEpisode: db.prepare('DELETE FROM episodes WHERE id = ?'),
      setEpisode: db.prepare('UPDATE episodes SET name = ?, air_date = ? WHERE id = ?'),
      episodeByNumber: db.prepare(`SELECT e.id FROM episodes e JOIN seasons se ON se.id = e.season_id
        WHERE se.show_id = ? AND se.season_number = ? AND e.episode_number = ?`).pluck()
    }
  }

  /** Inserts the show with all its seasons and episodes atomically; returns the show id. */
  insertTree (show: NewShow, seasons: SeasonMeta[]): number {
    const id = this.db.transaction(() => {
      const createdAt = now()
      const showId = this.insertTitle(show, createdAt)
      for (const season of seasons) {
        const seasonId = Number(this.stmts.insertSeason.run(showId, season.seasonNumber, season.name, season.airDate, createdAt).lastInsertRowid)
        for (const ep of season.episodes) this.stmts.insertEpisode.run(seasonId, ep.episodeNumber, ep.name, ep.airDate, createdAt)
      }
      return showId
    })()
    this.onChange()
    return id
  }

  /**
   * Merges fresh metadata into a stored show: new seasons and episodes are inserted, existing
   * ones keep their ids (and so their assignments) and get TMDB's names and air dates.
   * Nothing is deleted.
   */
  merge (showId: number, show: NewShow, seasons: SeasonMeta[]): MergeCounts {
    const counts: MergeCounts = { addedSeasons: 0, addedEpisodes: 0, updatedEpisodes: 0 }
    this.db.transaction(() => {
      const createdAt = now()
      this.stmts.updateShow.run({ id: showId, title: show.title, year: show.year, overview: show.overview, poster_path: show.poster_path, backdrop_path: show.backdrop_path })
      for (const season of seasons) {
        const existing = this.stmts.findSeason.get(showId, season.seasonNumber) as SeasonRow | undefined
        let seasonId: number
        if (existing === undefined) {
          seasonId = Number(this.stmts.insertSeason.run(showId, season.seasonNumber, season.name, season.airDate, createdAt).lastInsertRowid)
          counts.addedSeasons++
        } else {
          seasonId = existing.id
          this.stmts.updateSeason.run(season.name, season.airDate, seasonId)
        }
        for (const ep of season.episodes) {
          const old = this.stmts.findEpisode.get(seasonId, ep.episodeNumber) as EpisodeRow | undefined
          if (old === undefined) {
            this.stmts.insertEpisode.run(seasonId, ep.episodeNumber, ep.name, ep.airDate, createdAt)
            counts.addedEpisodes++
          } else if ((ep.name !== null && ep.name !== old.name) || (ep.airDate !== null && ep.airDate !== old.air_date)) {
            this.stmts.updateEpisode.run(ep.name, ep.airDate, old.id)
            counts.updatedEpisodes++
          }
        }
      }
    })()
    this.onChange()
    return counts
  }

  /**
   * Adds one episode to a stored show, creating its season when missing, atomically. Throws
   * SQLite's unique violation when the season already has that episode number.
   */
  insertEpisode (showId: number, seasonNumber: number, episodeNumber: number, name: string | null, airDate: string | null): number {
    const id = this.db.transaction(() => {
      const createdAt = now()
      const season = this.stmts.findSeason.get(showId, seasonNumber) as SeasonRow | undefined
      const seasonId = season?.id ?? Number(this.stmts.insertSeason.run(showId, seasonNumber, null, null, createdAt).lastInsertRowid)
      return Number(this.stmts.insertEpisode.run(seasonId, episodeNumber, name, airDate, createdAt).lastInsertRowid)
    })()
    this.onChange()
    return id
  }

  /** The id of a show's episode by its numbers, if stored. */
  episodeIdByNumber (showId: number, seasonNumber: number, episodeNumber: number): number | undefined {
    return this.stmts.episodeByNumber.get(showId, seasonNumber, episodeNumber) as number | undefined
  }

  /** Sets an episode's name and air date (null clears); false when there is no such episode. */
  setEpisode (id: number, name: string | null, airDate: string | null): boolean {
    const changed = this.stmts.setEpisode.run(name, airDate, id).changes > 0
    if (changed) this.onChange()
    return changed
  }

  /** Deletes one episode; a trigger deactivates its assignments. */
  deleteEpisode (id: number): boolean {
    const deleted = this.stmts.deleteEpisode.run(id).changes > 0
    if (deleted) this.onChange()
    return deleted
  }

  seasonsOf (showId: number): SeasonRow[] {
    return this.stmts.seasonsOf.all(showId) as SeasonRow[]
  }

  /** Episodes of a show with their active assignments, ordered by season and number. */
  episodesOf (showId: number): EpisodeWithAssignment[] {
    return this.stmts.episodesOf.all(showId) as EpisodeWithAssignment[]
  }

  allShows (): ShowRow[] { return this.stmts.allShows.all() as ShowRow[] }
  allSeasons (): SeasonRow[] { return this.stmts.allSeasons.all() as SeasonRow[] }
  allEpisodes (): EpisodeWithAssignment[] { return this.stmts.allEpisodes.all() as EpisodeWithAssignment[] }
  /** One episode with its active assignment. */
  episodeWithAssignment (id: number): EpisodeWithAssignment | undefined { return this.stmts.episodeById.get(id) as EpisodeWithAssignment | undefined }

  findEpisode (episodeId: number): EpisodeLocation | undefined {
    return this.stmts.episodeLocation.get(episodeId) as EpisodeLocation | undefined
  }

  /** Deletes the show; seasons and episodes cascade, triggers deactivate assignments. */
  delete (id: number): boolean {
    const deleted = this.stmts.delete.run(id).changes > 0
    if (deleted) this.onChange()
    return deleted
  }
}
