// What the movies and shows tables share: one title by id (with what the list shows of it),
// by TMDB id, and a page of titles filtered by a text and a state, sorted. MovieRepository and
// ShowRepository extend it with their own writes; the SQL of both stays in the library's
// repositories.
//
// A page is chosen in an inner query on the bare table (filter, sort, LIMIT), and only its rows
// get the outer query's joins and per-row subqueries (a show's episode counts): with 10,000
// titles, a page costs its own rows' counts, not everyone's.
import type { Db } from '../db/open.ts'
import { likePattern } from './sql.ts'
import type { ListOptions, ListSort, ListState } from './types.ts'

type Statement = ReturnType<Db['prepare']>

export interface TitleQueries {
  /** `movies` or `shows` */
  table: string
  /** the table's alias in every query */
  alias: string
  /** the SELECT list (the alias's columns plus joined ones and counts) */
  columns: string
  /** joins after `FROM table alias`, may be '' */
  joins: string
  /** SQL condition per state filter, on the alias (may use @today, YYYY-MM-DD, UTC) */
  states: Readonly<Record<ListState, string>>
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

/** ORDER BY of a sort, on alias `a`; ties end on the id so pages never overlap. */
export function orderBy (a: string, sort: ListSort = 'title', order: 'asc' | 'desc' = 'asc'): string {
  const dir = order === 'desc' ? ' DESC' : ''
  const keys = sort === 'year'
    ? [`${a}.year`, `${a}.title COLLATE NOCASE`, `${a}.id`]
    : sort === 'added' ? [`${a}.created_at`, `${a}.id`] : [`${a}.title COLLATE NOCASE`, `${a}.year`, `${a}.id`]
  // titles without a year come last whichever way years are sorted
  return 'ORDER BY ' + (sort === 'year' ? `${a}.year IS NULL, ` : '') + keys.map((k) => k + dir).join(', ')
}

/** UTC calendar date, as episode air dates are stored. */
export function utcToday (now: Date): string {
  return now.toISOString().slice(0, 10)
}

export abstract class TitleTable<Row, ListRow> {
  private readonly titles
  /** one prepared list/count pair per sort, order and state, made on first use */
  private readonly lists = new Map<string, { list: Statement, count: Statement }>()

  protected constructor (private readonly tableDb: Db, private readonly q: TitleQueries, private readonly now: () => Date = () => new Date()) {
    this.titles = {
      insert: tableDb.prepare(`INSERT INTO ${q.table} (tmdb_id, title, year, overview, poster_path, backdrop_path, created_at)
        VALUES (@tmdb_id, @title, @year, @overview, @poster_path, @backdrop_path, @created_at)`),
      byId: tableDb.prepare(`SELECT ${q.columns} FROM ${q.table} ${q.alias} ${q.joins} WHERE ${q.alias}.id = @id`),
      byTmdbId: tableDb.prepare(`SELECT * FROM ${q.table} WHERE tmdb_id = ?`)
    }
  }

  /** The new row's id; throws SQLite's UNIQUE violation when tmdb_id is taken (see isUniqueViolation). */
  protected insertTitle (title: NewTitle, createdAt: string): number {
    return Number(this.titles.insert.run({ ...title, created_at: createdAt }).lastInsertRowid)
  }

  findById (id: number): ListRow | undefined {
    return this.titles.byId.get(this.bind({ id })) as ListRow | undefined
  }

  findByTmdbId (tmdbId: number): Row | undefined {
    return this.titles.byTmdbId.get(tmdbId) as Row | undefined
  }

  /** A page of titles containing `opts.q` (any case) in `opts.state`, sorted; and how many there are in all. */
  list (opts: ListOptions): { rows: ListRow[], total: number } {
    const q = opts.q === undefined || opts.q === '' ? null : likePattern(opts.q)
    const stmts = this.listStatements(opts.sort ?? 'title', opts.order ?? 'asc', opts.state)
    const rows = stmts.list.all(this.bind({ q, limit: opts.limit, offset: opts.offset })) as ListRow[]
    return { rows, total: stmts.count.get(this.bind({ q })) as number }
  }

  private listStatements (sort: ListSort, order: 'asc' | 'desc', state: ListState | undefined): { list: Statement, count: Statement } {
    const key = `${sort}:${order}:${state ?? ''}`
    let stmts = this.lists.get(key)
    if (stmts === undefined) {
      const { table, alias: a, columns, joins } = this.q
      const where = `(@q IS NULL OR ${a}.title LIKE @q ESCAPE '\\')` + (state === undefined ? '' : ` AND ${this.q.states[state]}`)
      const sorted = orderBy(a, sort, order)
      stmts = {
        list: this.tableDb.prepare(`SELECT ${columns} FROM (SELECT * FROM ${table} ${a} WHERE ${where} ${sorted} LIMIT @limit OFFSET @offset) ${a} ${joins} ${sorted}`),
        count: this.tableDb.prepare(`SELECT COUNT(*) FROM ${table} ${a} WHERE ${where}`).pluck()
      }
      this.lists.set(key, stmts)
    }
    return stmts
  }

  /** `values` plus @today (named values a statement does not use are ignored). */
  private bind (values: Record<string, unknown>): Record<string, unknown> {
    return { today: utcToday(this.now()), ...values }
  }
}
