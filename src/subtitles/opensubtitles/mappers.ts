// Pure mappers: a query -> the /subtitles URL parameters, raw results -> SubtitleCandidate.
import { InvalidInputError } from '../../errors.ts'
import { fromApiLanguage, toQueryLanguages } from './languages.ts'
import type { RawSubtitle, SubtitleCandidate, SubtitleQuery } from './types.ts'

/** "tt0137523", "0137523" or 137523 -> "137523"; the API redirects ids with "tt" or leading zeros. */
export function imdbNumber (id: string | number): string {
  const digits = String(id).trim().toLowerCase().replace(/^tt/, '')
  if (!/^\d+$/.test(digits) || /^0+$/.test(digits)) throw new InvalidInputError(`not an IMDb id: "${id}"`)
  return digits.replace(/^0+/, '')
}

function positiveInt (n: number | undefined, what: string, min = 1): string | undefined {
  if (n === undefined) return undefined
  if (!Number.isInteger(n) || n < min) throw new InvalidInputError(`${what} must be an integer >= ${min}, not ${n}`)
  return String(n)
}

/**
 * The query parameters for GET /subtitles, in the API's canonical form: names sorted, values
 * lower case, ids without prefixes. The API answers any other form with a redirect to this one
 * (opensubtitles.stoplight.io, "Search for subtitles"), which costs a round trip per search.
 */
export function searchParams (q: SubtitleQuery, page: number): Array<[string, string]> {
  const params: Record<string, string | undefined> = {
    episode_number: positiveInt(q.episode, 'episode'),
    imdb_id: q.imdbId === undefined ? undefined : imdbNumber(q.imdbId),
    languages: toQueryLanguages(q.languages),
    moviehash: q.movieHash?.toLowerCase(),
    page: page > 1 ? String(page) : undefined,
    parent_tmdb_id: positiveInt(q.parentTmdbId, 'parentTmdbId'),
    // season 0 holds a show's specials
    season_number: positiveInt(q.season, 'season', 0),
    tmdb_id: positiveInt(q.tmdbId, 'tmdbId')
  }
  if (q.movieHash !== undefined && !/^[0-9a-f]{16}$/i.test(q.movieHash)) {
    throw new InvalidInputError(`a movie hash is 16 hex digits, not "${q.movieHash}"`)
  }
  if (params.tmdb_id === undefined && params.imdb_id === undefined && params.parent_tmdb_id === undefined && params.moviehash === undefined) {
    throw new InvalidInputError('an OpenSubtitles search needs a TMDB id, an IMDb id or a movie hash')
  }
  return Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * One result -> a candidate, or undefined for results that cannot be used: no file, or several
 * files (a subtitle split in CDs for a video split in CDs, which never fits one video file).
 */
export function mapCandidate (raw: RawSubtitle): SubtitleCandidate | undefined {
  const a = raw.attributes
  const files = a.files ?? []
  const file = files[0]
  if (files.length !== 1 || file === undefined || !Number.isInteger(file.file_id)) return undefined
  const { language, tag } = fromApiLanguage(a.language)
  return {
    id: String(raw.id),
    fileId: file.file_id,
    fileName: file.file_name ?? null,
    language,
    languageTag: tag,
    hearingImpaired: a.hearing_impaired === true,
    forced: a.foreign_parts_only === true,
    moviehashMatch: a.moviehash_match === true,
    downloadCount: typeof a.download_count === 'number' ? a.download_count : 0,
    release: a.release ?? null,
    aiTranslated: a.ai_translated === true,
    machineTranslated: a.machine_translated === true,
    fps: typeof a.fps === 'number' && a.fps > 0 ? a.fps : null,
    fromTrusted: a.from_trusted === true,
    uploader: a.uploader?.name ?? null,
    uploadDate: a.upload_date ?? null,
    url: a.url ?? null
  }
}

/** Whether a 200 body looks like a search page (guards against junk from a proxy or an API change). */
export function isSearchPage (body: unknown): body is { data: RawSubtitle[], total_pages?: number, page?: number } {
  if (body === null || typeof body !== 'object') return false
  const data = (body as { data?: unknown }).data
  return Array.isArray(data) && data.every((d) => d !== null && typeof d === 'object' &&
    typeof (d as RawSubtitle).attributes === 'object' && (d as RawSubtitle).attributes !== null)
}

/** reset_time_utc -> a Date, or null when absent or unparsable. */
export function parseResetTime (value: string | undefined | null): Date | null {
  if (typeof value !== 'string') return null
  const t = Date.parse(value)
  return Number.isNaN(t) ? null : new Date(t)
}
