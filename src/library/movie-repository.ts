// The only SQL touching `movies`. Reads come with the movie's active assignment joined.
import type { Db } from '../db/open.ts'
import { ASSIGNMENT_COLUMNS, activeAssignmentJoin, now } from './sql.ts'
import { TitleTable, orderBy, type NewTitle } from './title-table.ts'
import type { AssignmentColumns } from '../assignments/types.ts'
import type { MovieRow } from './types.ts'

export type MovieWithAssignment = MovieRow & AssignmentColumns
/** What the VFS tree reads of a movie: no overview, poster or TMDB id (kilobytes per movie, unused there). */
export type TreeMovieRow = Pick<MovieRow, 'id' | 'title' | 'year' | 'created_at'> & AssignmentColumns

export type NewMovie = NewTitle

const COLUMNS = `m.*, ${ASSIGNMENT_COLUMNS}`
const JOINS = activeAssignmentJoin('movie', 'm.id')
/** uses the partial unique index torrent_assignments_active_item */
const ASSIGNED = "EXISTS (SELECT 1 FROM torrent_assignments ta WHERE ta.item_type = 'movie' AND ta.item_id = m.id AND ta.is_active = 1)"

export class MovieRepository extends TitleTable<MovieRow, MovieWithAssignment> {
  private readonly stmts
  constructor (private readonly db: Db, private readonly onChange: () => void) {
    super(db, { table: 'movies', alias: 'm', columns: COLUMNS, joins: JOINS, states: { playable: ASSIGNED, unassigned: `NOT ${ASSIGNED}`, missing: `NOT ${ASSIGNED}` } })
    this.stmts = {
      all: db.prepare(`SELECT m.id, m.title, m.year, m.created_at, ${ASSIGNMENT_COLUMNS} FROM movies m ${JOINS} ${orderBy('m')}`),
      delete: db.prepare('DELETE FROM movies WHERE id = ?')
    }
  }

  /** Throws SQLite's UNIQUE violation when tmdb_id is taken (see isUniqueViolation). */
  insert (movie: NewMovie): number {
    const id = this.insertTitle(movie, now())
    this.onChange()
    return id
  }

  /** Every movie with its active assignment, for the VFS tree. */
  all (): TreeMovieRow[] {
    return this.stmts.all.all() as TreeMovieRow[]
  }

  /** Deletes the movie; the trigger deactivates its assignment. False when it did not exist. */
  delete (id: number): boolean {
    const deleted = this.stmts.delete.run(id).changes > 0
    if (deleted) this.onChange()
    return deleted
  }
}
