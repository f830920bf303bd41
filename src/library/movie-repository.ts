// The only SQL touching `movies`. Reads come with the movie's active assignment joined.
import type { Db } from '../db/open.ts'
import { ASSIGNMENT_COLUMNS, activeAssignmentJoin, likePattern, now } from './sql.ts'
import type { AssignmentColumns } from '../assignments/types.ts'
import type { ListOptions, MovieRow } from './types.ts'

export type MovieWithAssignment = MovieRow & AssignmentColumns

export interface NewMovie {
  tmdb_id: number | null
  title: string
  year: number | null
  overview: string | null
  poster_path: string | null
}

const SELECT = `SELECT m.*, ${ASSIGNMENT_COLUMNS} FROM movies m ${activeAssignmentJoin('movie', 'm.id')}`
const ORDER = 'ORDER BY m.title COLLATE NOCASE, m.year, m.id'

export class MovieRepository {
  private readonly stmts
  constructor (private readonly db: Db, private readonly onChange: () => void) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO movies (tmdb_id, title, year, overview, poster_path, created_at)
        VALUES (@tmdb_id, @title, @year, @overview, @poster_path, @created_at)`),
      byId: db.prepare(`${SELECT} WHERE m.id = ?`),
      byTmdbId: db.prepare('SELECT * FROM movies WHERE tmdb_id = ?'),
      list: db.prepare(`${SELECT} WHERE (@q IS NULL OR m.title LIKE @q ESCAPE '\\') ${ORDER} LIMIT @limit OFFSET @offset`),
      count: db.prepare(`SELECT COUNT(*) FROM movies m WHERE (@q IS NULL OR m.title LIKE @q ESCAPE '\\')`).pluck(),
      all: db.prepare(`${SELECT} ${ORDER}`),
      delete: db.prepare('DELETE FROM movies WHERE id = ?')
    }
  }

  /** Throws SQLite's UNIQUE violation when tmdb_id is taken (see isUniqueViolation). */
  insert (movie: NewMovie): number {
    const info = this.stmts.insert.run({ ...movie, created_at: now() })
    this.onChange()
    return Number(info.lastInsertRowid)
  }

  findById (id: number): MovieWithAssignment | undefined {
    return this.stmts.byId.get(id) as MovieWithAssignment | undefined
  }

  findByTmdbId (tmdbId: number): MovieRow | undefined {
    return this.stmts.byTmdbId.get(tmdbId) as MovieRow | undefined
  }

  list (opts: ListOptions): { rows: MovieWithAssignment[], total: number } {
    const q = opts.q === undefined || opts.q === '' ? null : likePattern(opts.q)
    const rows = this.stmts.list.all({ q, limit: opts.limit, offset: opts.offset }) as MovieWithAssignment[]
    const total = this.stmts.count.get({ q }) as number
    return { rows, total }
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
