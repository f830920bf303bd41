// What the movies and shows tables share: one title by id (with what the list shows of it),
// by TMDB id, and a page of titles filtered by a text. MovieRepository and ShowRepository
// extend it with their own writes; the SQL of both stays in the library's repositories.
import type { Db } from '../db/open.ts'
import { likePattern } from './sql.ts'
import type { ListOptions } from './types.ts'

export interface TitleQueries {
  /** `movies` or `shows` */
  table: string
  /** the table's alias in `select` */
  alias: string
  /** SELECT ... FROM table alias [JOIN ...], without WHERE */
  select: string
  order: string
}

/** A movie or show as it is first written. */
export interface NewTitle {
  tmdb_id: number | null
  title: string
  year: number | null
  overview: string | null
  poster_path: string | null
  backdrop_path: string | null
}

export abstract class TitleTable<Row, ListRow> {
  private readonly titles

  protected constructor (db: Db, q: TitleQueries) {
    const matches = `(@q IS NULL OR ${q.alias}.title LIKE @q ESCAPE '\\')`
    this.titles = {
      insert: db.prepare(`INSERT INTO ${q.table} (tmdb_id, title, year, overview, poster_path, backdrop_path, created_at)
        VALUES (@tmdb_id, @title, @year, @overview, @poster_path, @backdrop_path, @created_at)`),
      byId: db.prepare(`${q.select} WHERE ${q.alias}.id = ?`),
      byTmdbId: db.prepare(`SELECT * FROM ${q.table} WHERE tmdb_id = ?`),
      list: db.prepare(`${q.select} WHERE ${matches} ${q.order} LIMIT @limit OFFSET @offset`),
      count: db.prepare(`SELECT COUNT(*) FROM ${q.table} ${q.alias} WHERE ${matches}`).pluck()
    }
  }

  /** The new row's id; throws SQLite's UNIQUE violation when tmdb_id is taken (see isUniqueViolation). */
  protected insertTitle (title: NewTitle, createdAt: string): number {
    return Number(this.titles.insert.run({ ...title, created_at: createdAt }).lastInsertRowid)
  }

  findById (id: number): ListRow | undefined {
    return this.titles.byId.get(id) as ListRow | undefined
  }

  findByTmdbId (tmdbId: number): Row | undefined {
    return this.titles.byTmdbId.get(tmdbId) as Row | undefined
  }

  /** A page of titles containing `opts.q` (any case), and how many there are in all. */
  list (opts: ListOptions): { rows: ListRow[], total: number } {
    const q = opts.q === undefined || opts.q === '' ? null : likePattern(opts.q)
    const rows = this.titles.list.all({ q, limit: opts.limit, offset: opts.offset }) as ListRow[]
    return { rows, total: this.titles.count.get({ q }) as number }
  }
}
