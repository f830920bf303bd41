// TMDB v3 client: details for movies, shows and seasons, search, the trending and popular lists,
// and the image base URL. Authenticates with the `api_key` query parameter (v3 key) or an
// `Authorization: Bearer` header (v4 read token).
import type { Config } from '../config/schema.ts'
import { NotConfiguredError, UpstreamError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { mapMovie, mapSearchPage, mapSeason, mapShow } from './mappers.ts'
import { tmdbGet, type RequestPolicy } from './request.ts'
import type {
  DiscoverList, MovieMeta, SearchPage, SearchType, SeasonMeta, ShowMeta, TmdbConfiguration, TmdbMovieDetails,
  TmdbSearchPage, TmdbSeasonDetails, TmdbTvDetails
} from './types.ts'

export const NOT_CONFIGURED_MESSAGE = 'TMDB is not configured: set tmdb.api_key (or tmdb.bearer_token) in the config file, ' +
  'or the environment variable MOMOSHTREM_TMDB_API_KEY, then restart. ' +
  'Movies and shows can still be added by title and year without TMDB.'

/** v4 read access tokens are JWTs; users paste them where the v3 key goes. */
function looksLikeJwt (key: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(key)
}

/** A 200 answer without the fields we rely on is TMDB's failure, not a reason to store junk. */
function expect (ok: boolean, what: string): void {
  if (!ok) throw new UpstreamError(`TMDB sent an unexpected response for ${what}`)
}

export class TmdbClient {
  readonly configured: boolean
  private readonly baseUrl: string
  private readonly apiKey: string
  private readonly bearer: string
  private readonly language: string
  private readonly policy: RequestPolicy

  constructor (cfg: Readonly<Config['tmdb']>, private readonly log: Logger, private readonly fetchFn: typeof fetch = fetch) {
    this.apiKey = cfg.api_key.trim()
    this.bearer = cfg.bearer_token.trim()
    if (this.bearer === '' && looksLikeJwt(this.apiKey)) {
      this.bearer = this.apiKey
      this.apiKey = ''
    }
    this.configured = this.apiKey !== '' || this.bearer !== ''
    // new URL('movie/1', base) keeps base's path only when it ends with '/'
    this.baseUrl = cfg.base_url.endsWith('/') ? cfg.base_url : cfg.base_url + '/'
    this.language = cfg.language
    this.policy = { timeoutMs: cfg.timeout * 1000, maxRetries: cfg.max_retries, maxRetryWaitMs: 10_000, backoffMs: 250 }
  }

  async movie (id: number): Promise<MovieMeta> {
    const raw = await this.get<TmdbMovieDetails>(`movie/${id}`, {}, `movie ${id}`)
    expect(Number.isInteger(raw.id), `movie ${id}`)
    return mapMovie(raw)
  }

  async tv (id: number): Promise<ShowMeta> {
    const raw = await this.get<TmdbTvDetails>(`tv/${id}`, {}, `TV show ${id}`)
    expect(Number.isInteger(raw.id) && (raw.seasons === undefined || Array.isArray(raw.seasons)), `TV show ${id}`)
    return mapShow(raw)
  }

  async season (tvId: number, seasonNumber: number): Promise<SeasonMeta> {
    const what = `season ${seasonNumber} of TV show ${tvId}`
    const raw = await this.get<TmdbSeasonDetails>(`tv/${tvId}/season/${seasonNumber}`, {}, what)
    expect(Number.isInteger(raw.season_number) && (raw.episodes === undefined || Array.isArray(raw.episodes)), what)
    return mapSeason(raw)
  }

  async search (type: SearchType, query: string, page = 1): Promise<SearchPage> {
    const what = `search results for "${query}"`
    const raw = await this.get<TmdbSearchPage>(`search/${type}`, { query, page: String(page), include_adult: 'false' }, what)
    expect(Array.isArray(raw.results) && raw.results.every((r) => Number.isInteger(r?.id)), what)
    return mapSearchPage(raw)
  }

  /** A page of /trending/{type}/week or /{movie,tv}/popular (same hits as a search). */
  async discover (list: DiscoverList, type: SearchType, page = 1): Promise<SearchPage> {
    const what = `${list} ${type === 'movie' ? 'movies' : 'TV shows'}`
    const path = list === 'trending' ? `trending/${type}/week` : `${type}/popular`
    const raw = await this.get<TmdbSearchPage>(path, { page: String(page) }, what)
    expect(Array.isArray(raw.results) && raw.results.every((r) => Number.isInteger(r?.id)), what)
    return mapSearchPage(raw)
  }

  /**
   * Where TMDB's images live: images.secure_base_url of /configuration, ending with '/'
   * (an image is <base><size>/<file>). TMDB asks clients to cache it; images/ does.
   */
  async imageBaseUrl (): Promise<string> {
    const raw = await this.get<TmdbConfiguration>('configuration', {}, 'the configuration')
    const base = raw.images?.secure_base_url
    if (typeof base !== 'string' || !/^https?:\/\/[^/]/.test(base)) throw new UpstreamError('TMDB sent an unexpected response for the configuration')
    return base.endsWith('/') ? base : base + '/'
  }

  private async get<T> (path: string, params: Record<string, string>, what: string): Promise<T> {
    if (!this.configured) throw new NotConfiguredError(NOT_CONFIGURED_MESSAGE)
    const url = new URL(path, this.baseUrl)
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
    if (this.language !== '') url.searchParams.set('language', this.language)
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.bearer !== '') headers.authorization = `Bearer ${this.bearer}`
    else url.searchParams.set('api_key', this.apiKey)
    return await tmdbGet<T>({ url, headers, what }, this.policy, this.fetchFn, this.log)
  }
}
