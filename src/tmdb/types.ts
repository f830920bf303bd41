// TMDB v3 response shapes (only the fields we read; TMDB sends many more) and the
// normalised metadata the library stores. Everything TMDB may leave out or null is typed so.

export interface TmdbMovieDetails {
  id: number
  title: string
  original_title?: string
  /** 'YYYY-MM-DD', or '' / null for unreleased or undated movies */
  release_date?: string | null
  overview?: string | null
  poster_path?: string | null
  backdrop_path?: string | null
}

export interface TmdbSeasonSummary {
  id: number
  season_number: number
  name?: string | null
  air_date?: string | null
  episode_count?: number
}

export interface TmdbTvDetails {
  id: number
  name: string
  original_name?: string
  first_air_date?: string | null
  overview?: string | null
  poster_path?: string | null
  backdrop_path?: string | null
  /** "Returning Series", "Ended", "Canceled", ... */
  status?: string | null
  seasons?: TmdbSeasonSummary[]
}

export interface TmdbEpisode {
  id: number
  episode_number: number
  season_number: number
  name?: string | null
  air_date?: string | null
}

export interface TmdbSeasonDetails {
  id: number
  season_number: number
  name?: string | null
  air_date?: string | null
  episodes?: TmdbEpisode[]
}

/** One hit of /search/movie (title, release_date) or /search/tv (name, first_air_date). */
export interface TmdbSearchHit {
  id: number
  title?: string
  name?: string
  release_date?: string | null
  first_air_date?: string | null
  overview?: string | null
  poster_path?: string | null
}

export interface TmdbSearchPage {
  page: number
  results: TmdbSearchHit[]
  total_pages: number
  total_results: number
}

/** /configuration: where images live (only `images` is read; `change_keys` is ignored). */
export interface TmdbConfiguration {
  images?: {
    base_url?: string
    /** https://image.tmdb.org/t/p/ : an image is <secure_base_url><size>/<file_path without '/'> */
    secure_base_url?: string
    backdrop_sizes?: string[]
    poster_sizes?: string[]
  }
}

/** TMDB's error body: {"status_code": 34, "status_message": "...", "success": false} */
export interface TmdbErrorBody {
  status_code?: number
  status_message?: string
  success?: boolean
}

// ---- normalised metadata ----

export interface MovieMeta {
  tmdbId: number
  title: string
  year: number | null
  overview: string | null
  posterPath: string | null
  backdropPath: string | null
}

export interface EpisodeMeta {
  episodeNumber: number
  name: string | null
  airDate: string | null
}

export interface SeasonMeta {
  seasonNumber: number
  name: string | null
  airDate: string | null
  episodes: EpisodeMeta[]
}

export interface ShowMeta {
  tmdbId: number
  title: string
  year: number | null
  overview: string | null
  posterPath: string | null
  backdropPath: string | null
  /** season numbers TMDB lists for the show, season 0 ("Specials") included */
  seasonNumbers: number[]
  /** TMDB's status ("Ended" shows are refreshed rarely); absent when TMDB gave none */
  status?: string | null
}

export type SearchType = 'movie' | 'tv'

/** TMDB's lists for browsing: trending this week, or popular now. */
export type DiscoverList = 'trending' | 'popular'

export interface SearchHit {
  tmdbId: number
  title: string
  year: number | null
  overview: string | null
  posterPath: string | null
}

export interface SearchPage {
  page: number
  totalPages: number
  totalResults: number
  results: SearchHit[]
}
