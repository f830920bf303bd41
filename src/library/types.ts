// Library shapes: database rows (snake_case, as SQLite returns them) and the API shapes the
// mappers build from them. The API shapes are what the REST schemas describe; an item's
// assignment is the assignment domain's (assignments/types.ts).
import type { ItemAssignmentJson } from '../assignments/types.ts'

export interface MovieRow {
  id: number
  tmdb_id: number | null
  title: string
  year: number | null
  overview: string | null
  poster_path: string | null
  backdrop_path: string | null
  created_at: string
}

export type ShowRow = MovieRow

export interface ShowListRow extends ShowRow {
  season_count: number
  episode_count: number
  /** episodes (specials included) with an active assignment */
  episodes_assigned: number
  /** aired regular episodes (season > 0, air date today or before) without one */
  episodes_missing: number
}

export interface SeasonRow {
  id: number
  show_id: number
  season_number: number
  name: string | null
  air_date: string | null
  created_at: string
}

export interface EpisodeRow {
  id: number
  season_id: number
  episode_number: number
  name: string | null
  air_date: string | null
  created_at: string
}

/** A movie as the API shows it: its row plus its active assignment. */
export interface Movie extends MovieRow {
  /** it has an active assignment (playable) */
  assigned: boolean
  assignment: ItemAssignmentJson | null
}

/** A show in lists: its row plus season and episode counts. */
export interface Show extends ShowListRow {
  /** = episode_count, named for the UI next to episodes_assigned and episodes_missing */
  episodes_total: number
}

export interface Episode {
  id: number
  episode_number: number
  name: string | null
  air_date: string | null
  created_at: string
  assignment: ItemAssignmentJson | null
}

export interface Season {
  id: number
  season_number: number
  name: string | null
  air_date: string | null
  created_at: string
  episodes: Episode[]
}

export interface ShowDetail extends Show {
  seasons: Season[]
}

export interface Page<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

export type ListSort = 'title' | 'year' | 'added'

/**
 * playable: a movie with a torrent assigned, a show with at least one episode assigned;
 * unassigned: the opposite; missing: a show with an aired regular episode (season > 0, air
 * date today or before, UTC) not assigned; for movies, missing = unassigned.
 */
export type ListState = 'playable' | 'unassigned' | 'missing'

export interface ListOptions {
  limit: number
  offset: number
  /** case-insensitive substring of the title */
  q?: string | undefined
  /** default title (then year, then id) */
  sort?: ListSort | undefined
  /** default asc */
  order?: 'asc' | 'desc' | undefined
  state?: ListState | undefined
}

/** What a user asks to add: a TMDB id, or a title with an optional year. */
export type AddRequest = { tmdbId: number } | { title: string, year: number | null }

export interface LibraryCounts {
  movies: number
  shows: number
  seasons: number
  episodes: number
  active_assignments: number
}

export interface RefreshResult {
  show: ShowDetail
  added_seasons: number
  added_episodes: number
  updated_episodes: number
  /** TMDB's status of the show ("Ended", "Returning Series"), null when TMDB gave none */
  tmdb_status?: string | null
}
