// What airs next and what aired lately, across every show of the library.
//
// Days are UTC calendar days: "today" is the UTC date of `now()`, whatever the server's time
// zone, so the answer is the same on every host and in every test. TMDB's air dates are the
// broadcaster's local dates, so near midnight an episode may sit a day early or late from a
// viewer's point of view; a range of a few days makes that harmless.
//   upcoming ?days=N: today .. today+N (N+1 dates: today's episodes count as upcoming)
//   recent   ?days=N: today-N .. yesterday (N dates: the two lists never overlap)
import { InvalidInputError } from '../errors.ts'
import type { CalendarRepository, CalendarRow, DateRange } from './calendar-repository.ts'

export const DEFAULT_DAYS = 7
export const MAX_DAYS = 365
export const DEFAULT_CALENDAR_LIMIT = 100
export const MAX_CALENDAR_LIMIT = 500

export interface CalendarQuery {
  /** 1..MAX_DAYS, DEFAULT_DAYS when absent */
  days?: number
  /** 1..MAX_CALENDAR_LIMIT, DEFAULT_CALENDAR_LIMIT when absent */
  limit?: number
}

/** An episode in a calendar list, as the API shows it: the row with `assigned` as a boolean. */
export interface CalendarEpisode extends Omit<CalendarRow, 'assigned'> {
  assigned: boolean
}

export interface CalendarPage {
  /** the range asked about, inclusive, YYYY-MM-DD (UTC) */
  from: string
  to: string
  /** episodes in the range; more than items.length when `limit` cut the list */
  total: number
  limit: number
  items: CalendarEpisode[]
}

const DAY_MS = 86_400_000

/** The UTC calendar date of `t`, YYYY-MM-DD. */
export function utcDate (t: Date): string {
  return t.toISOString().slice(0, 10)
}

/** `date` (YYYY-MM-DD) moved by `days` (may be negative), across months and leap days. */
export function addDays (date: string, days: number): string {
  return utcDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS))
}

export function upcomingRange (today: string, days: number): DateRange {
  return { from: today, to: addDays(today, days) }
}

export function recentRange (today: string, days: number): DateRange {
  return { from: addDays(today, -days), to: addDays(today, -1) }
}

/** A row as the API shows it (SQLite answers the boolean as 0/1). */
export function calendarEpisode (row: CalendarRow): CalendarEpisode {
  return { ...row, assigned: row.assigned === 1 }
}

function bounded (value: number | undefined, fallback: number, max: number, name: string): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < 1 || v > max) throw new InvalidInputError(`${name} must be an integer from 1 to ${max}, not ${v}`)
  return v
}

export class EpisodeCalendar {
  /** `now`: the clock "today" is read from (tests pin it) */
  constructor (private readonly repo: Pick<CalendarRepository, 'between' | 'count'>, private readonly now: () => Date = () => new Date()) {}

  /** Episodes airing today through today+days, earliest first. */
  upcoming (q: CalendarQuery = {}): CalendarPage {
    const days = bounded(q.days, DEFAULT_DAYS, MAX_DAYS, 'days')
    return this.page(upcomingRange(utcDate(this.now()), days), q, false)
  }

  /** Episodes that aired in the `days` days before today, latest first. */
  recent (q: CalendarQuery = {}): CalendarPage {
    const days = bounded(q.days, DEFAULT_DAYS, MAX_DAYS, 'days')
    return this.page(recentRange(utcDate(this.now()), days), q, true)
  }

  private page (range: DateRange, q: CalendarQuery, newestFirst: boolean): CalendarPage {
    const limit = bounded(q.limit, DEFAULT_CALENDAR_LIMIT, MAX_CALENDAR_LIMIT, 'limit')
    const items = this.repo.between(range, limit, newestFirst).map(calendarEpisode)
    // the count only costs a query when the list was cut
    const total = items.length < limit ? items.length : this.repo.count(range)
    return { from: range.from, to: range.to, total, limit, items }
  }
}
