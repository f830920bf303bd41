// OpenSubtitles REST API v1 (https://api.opensubtitles.com/api/v1, documented at
// https://opensubtitles.stoplight.io/docs/opensubtitles-api): the raw shapes this client reads,
// and the normalised shapes it returns. Raw fields are optional where the API omits them
// (moviehash_match is present only when a moviehash was sent) and nullable where it sends null.

/** The client's settings; the caller maps its configuration onto these (nothing here reads the config). */
export interface OpenSubtitlesSettings {
  /** consumer key from opensubtitles.com/consumers; sent as the Api-Key header on every call */
  apiKey: string
  /** account for downloads above the anonymous quota; login happens only when both are set */
  username?: string
  password?: string
  /** API root, default https://api.opensubtitles.com/api/v1 */
  baseUrl?: string
  /** required by the API to name the application, e.g. "momoshtrem v0.1.0" */
  userAgent: string
  /** per attempt, milliseconds (default 15000); covers reading the body too */
  timeoutMs?: number
  /** largest subtitle file accepted from a download link (default 10 MiB) */
  maxDownloadBytes?: number
  /** base of the exponential back-off for 5xx and network errors, milliseconds (default 500) */
  backoffMs?: number
  /** result pages fetched per search at most (default 3; a page holds up to 60 results) */
  maxPages?: number
}

export interface RawUploader { uploader_id?: number | null, name?: string | null, rank?: string | null }

export interface RawFile { file_id: number, cd_number?: number, file_name?: string | null }

export interface RawFeatureDetails {
  feature_id?: number
  feature_type?: string
  year?: number | null
  title?: string | null
  movie_name?: string | null
  imdb_id?: number | null
  tmdb_id?: number | null
  season_number?: number | null
  episode_number?: number | null
  parent_imdb_id?: number | null
  parent_title?: string | null
  parent_tmdb_id?: number | null
  parent_feature_id?: number | null
}

export interface RawSubtitleAttributes {
  subtitle_id?: string
  language?: string | null
  download_count?: number | null
  new_download_count?: number | null
  hearing_impaired?: boolean | null
  hd?: boolean | null
  fps?: number | null
  votes?: number | null
  ratings?: number | null
  from_trusted?: boolean | null
  foreign_parts_only?: boolean | null
  upload_date?: string | null
  ai_translated?: boolean | null
  machine_translated?: boolean | null
  moviehash_match?: boolean
  release?: string | null
  comments?: string | null
  format?: string | null
  uploader?: RawUploader | null
  feature_details?: RawFeatureDetails | null
  url?: string | null
  files?: RawFile[]
}

export interface RawSubtitle { id: string, type: 'subtitle', attributes: RawSubtitleAttributes }

/** GET /subtitles */
export interface RawSearchPage {
  total_pages: number
  total_count: number
  per_page?: number
  page: number
  data: RawSubtitle[]
}

/** POST /login */
export interface RawLogin {
  user?: { allowed_downloads?: number, allowed_translations?: number, level?: string, user_id?: number, ext_installed?: boolean, vip?: boolean }
  /** a host name without scheme, e.g. "api.opensubtitles.com" or "vip-api.opensubtitles.com" */
  base_url?: string
  token: string
  status?: number
}

/** POST /download: 200 with a link, or 406 with the quota fields and no link */
export interface RawDownload {
  link?: string
  file_name?: string
  requests?: number
  remaining?: number
  message?: string
  reset_time?: string
  reset_time_utc?: string
}

/** Error bodies: {"message": "..."} (Kong gateway) or {"message", "status"} (the API itself); some add "errors". */
export interface RawError { message?: string, status?: number, errors?: string[] }

/** What to search for. At least one of the ids or the movie hash. */
export interface SubtitleQuery {
  /** the movie's or the episode's own TMDB id */
  tmdbId?: number
  /** "tt0137523" or 137523; sent without "tt" and leading zeros */
  imdbId?: string | number
  /** the show's TMDB id, for an episode with season and episode */
  parentTmdbId?: number
  season?: number
  episode?: number
  /** movieHash() of the file, 16 hex digits */
  movieHash?: string
  /** wanted languages, ISO 639-1 ("en") or with a region ("pt-BR"); empty means all */
  languages: string[]
}

/** One subtitle file found, normalised. */
export interface SubtitleCandidate {
  /** the subtitle's id at OpenSubtitles (a string there) */
  id: string
  /** what download() takes */
  fileId: number
  fileName: string | null
  /** ISO 639-1, lower case ("pt" for both Portuguese variants); OpenSubtitles' own code lower-cased when it has none */
  language: string
  /** the variant as OpenSubtitles names it, BCP 47 style: "en", "pt-BR", "zh-TW" */
  languageTag: string
  hearingImpaired: boolean
  /** foreign_parts_only: only the lines in another language than the film's ("forced") */
  forced: boolean
  /** the file hash sent with the search matched this subtitle's video */
  moviehashMatch: boolean
  downloadCount: number
  release: string | null
  aiTranslated: boolean
  machineTranslated: boolean
  fps: number | null
  fromTrusted: boolean
  uploader: string | null
  uploadDate: string | null
  /** the subtitle's page at opensubtitles.com */
  url: string | null
}

export interface DownloadedSubtitle {
  fileName: string
  content: Buffer
  /** downloads left in the current quota period, when the API said */
  remaining: number | null
  /** when the quota renews, when the API said */
  resetAt: Date | null
}
