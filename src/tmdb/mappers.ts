// Pure mappers from TMDB response shapes to our metadata. TMDB uses '' as well as null for
// "no date" (unreleased movies, announced shows), and null names on fresh episodes.
import type {
  MovieMeta, SearchHit, SearchPage, SeasonMeta, ShowMeta, TmdbMovieDetails, TmdbSearchHit,
  TmdbSearchPage, TmdbSeasonDetails, TmdbTvDetails
} from './types.ts'

/** 'YYYY-MM-DD' -> YYYY; '', null, undefined or garbage -> null. */
export function yearOf (date: string | null | undefined): number | null {
  if (typeof date !== 'string') return null
  const m = /^(\d{4})-\d{2}-\d{2}/.exec(date.trim())
  if (m === null) return null
  const year = Number(m[1])
  // the schema only accepts 1800..3000; anything else is bad data, not a year
  return year >= 1800 && year <= 3000 ? year : null
}

/** A valid 'YYYY-MM-DD' date or null ('' and partial dates become null). */
export function dateOf (date: string | null | undefined): string | null {
  if (typeof date !== 'string') return null
  return /^\d{4}-\d{2}-\d{2}$/.test(date.trim()) ? date.trim() : null
}

/** Trimmed NFC text (titles are matched and turned into paths as NFC), or null when empty. */
export function textOf (value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null
  const t = value.normalize('NFC').trim()
  return t === '' ? null : t
}

/** Title with a fallback: TMDB titles are never empty in practice, but the database demands it. */
function titleOf (primary: string | undefined, original: string | undefined, id: number): string {
  return textOf(primary) ?? textOf(original) ?? `TMDB ${id}`
}

export function mapMovie (m: TmdbMovieDetails): MovieMeta {
  return {
    tmdbId: m.id,
    title: titleOf(m.title, m.original_title, m.id),
    year: yearOf(m.release_date),
    overview: textOf(m.overview),
    posterPath: textOf(m.poster_path),
    backdropPath: textOf(m.backdrop_path)
  }
}

export function mapShow (s: TmdbTvDetails): ShowMeta {
  const numbers = (s.seasons ?? []).map((x) => x.season_number).filter((n) => Number.isInteger(n) && n >= 0)
  return {
    tmdbId: s.id,
    title: titleOf(s.name, s.original_name, s.id),
    year: yearOf(s.first_air_date),
    overview: textOf(s.overview),
    posterPath: textOf(s.poster_path),
    backdropPath: textOf(s.backdrop_path),
    seasonNumbers: [...new Set(numbers)].sort((a, b) => a - b),
    status: textOf(s.status)
  }
}

export function mapSeason (s: TmdbSeasonDetails): SeasonMeta {
  const seen = new Set<number>()
  const episodes = []
  for (const e of s.episodes ?? []) {
    // duplicates would break UNIQUE (season_id, episode_number); keep the first
    if (!Number.isInteger(e.episode_number) || e.episode_number < 0 || seen.has(e.episode_number)) continue
    seen.add(e.episode_number)
    episodes.push({ episodeNumber: e.episode_number, name: textOf(e.name), airDate: dateOf(e.air_date) })
  }
  episodes.sort((a, b) => a.episodeNumber - b.episodeNumber)
  return { seasonNumber: s.season_number, name: textOf(s.name), airDate: dateOf(s.air_date), episodes }
}

export function mapSearchHit (h: TmdbSearchHit): SearchHit {
  return {
    tmdbId: h.id,
    title: titleOf(h.title ?? h.name, undefined, h.id),
    year: yearOf(h.release_date ?? h.first_air_date),
    overview: textOf(h.overview),
    posterPath: textOf(h.poster_path)
  }
}

export function mapSearchPage (p: TmdbSearchPage): SearchPage {
  return {
    page: p.page,
    totalPages: p.total_pages,
    totalResults: p.total_results,
    results: (p.results ?? []).map(mapSearchHit)
  }
}
