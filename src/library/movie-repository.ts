// The only SQL touching `movies`. Reads come with the movie's active assignment joined.
import type { Db } from '../db/open.ts'
import { ASSIGNMENT_COLUMNS, activeAssignmentJoin, now } from './sql.ts'
import { TitleTable, type NewTitle } from './title-table.ts'
import type { AssignmentColumns } from '../assignments/types.ts'
import type { MovieRow } from './types.ts'

export type MovieWithAssignment = MovieRow & AssignmentColumns

export type NewMovie = NewTitle

const SELECT = `SELECT m.*, ${ASSIGNMENT_COLUMNS} FROM movies m ${activeAssignmentJoin('movie', 'm.id')}`
const ORDER = 'ORDER BY m.title COLLATE NOCASE, m.year, m.id'

export class MovieRepository extends TitleTable<MovieRow, MovieWithAssignment> {
  private readonly stmts
  constructor (private readonly db: Db, private readonly onChange: () => void) {
    super(db, { table: 'movies', alias: 'm', select: SELECT, order: ORDER })
    this.stmts = {
      all: db.prepare(`${SELECT} ${ORDER}`),
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
  all (): MovieWithAssignment[] {
    return this.stmts.all.all() as MovieWithAssignment[]
  }

  /** Deletes the movie; the trigger deactivates its assignment. False when it did not exist. */
  delete (id: number): boolean {
    const deleted = this.stmts.delete.run(id).changes > 0
    if (deleted) this.onChange()
    return deleted
  }
}
