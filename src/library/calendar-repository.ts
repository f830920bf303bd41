// Episodes by air date, for what airs next and what aired lately. Read-only: the writes of
// shows, seasons and episodes stay in ShowRepository. air_date is 'YYYY-MM-DD' text (TMDB's
// and the API's only accepted form), so a range of dates is a range of strings; episodes
// without an air date never match.
import type { Db } from '../db/open.ts'
import { activeAssignmentJoin } from './sql.ts'

export interface CalendarRow {
  id: number
  show_id: number
  show_title: string
  season_number: number
  episode_number: number
  name: string | null
  air_date: string
  /** 1 when the episode has an active assignment */
  assigned: 0 | 1
}

export interface DateRange {
  /** first date, inclusive, YYYY-MM-DD */
  from: string
  /** last date, inclusive, YYYY-MM-DD */
  to: string
}

const FROM = `FROM episodes e JOIN seasons se ON se.id = e.season_id JOIN shows s ON s.id = se.show_id
  WHERE e.air_date BETWEEN @from AND @to`
const SELECT = `SELECT e.id, s.id AS show_id, s.title AS show_title, se.season_number, e.episode_number,
  e.name, e.air_date, (a.id IS NOT NULL) AS assigned
  FROM episodes e JOIN seasons se ON se.id = e.season_id JOIN shows s ON s.id = se.show_id
  ${activeAssignmentJoin('episode', 'e.id')}
  WHERE e.air_date BETWEEN @from AND @to`
/** within a date: by show, then in airing order */
const THEN = 's.title COLLATE NOCASE, s.id, se.season_number, e.episode_number'

export class CalendarRepository {
  private readonly stmts
  constructor (db: Db) {
    this.stmts = {
      ascending: db.prepare(`${SELECT} ORDER BY e.air_date, ${THEN} LIMIT @limit`),
      descending: db.prepare(`${SELECT} ORDER BY e.air_date DESC, ${THEN} LIMIT @limit`),
      count: db.prepare(`SELECT COUNT(*) ${FROM}`).pluck()
    }
  }

  /** Episodes airing in the range, earliest first (`newestFirst`: latest first), at most `limit`. */
  between (range: DateRange, limit: number, newestFirst = false): CalendarRow[] {
    const stmt = newestFirst ? this.stmts.descending : this.stmts.ascending
    return stmt.all({ from: range.from, to: range.to, limit }) as CalendarRow[]
  }

  /** How many episodes air in the range. */
  count (range: DateRange): number {
    return this.stmts.count.get({ from: range.from, to: range.to }) as number
  }
}
