// OpenSubtitles REST API v1 client: search (API key only) and download (API key, plus a
// login token when an account is configured: the anonymous quota is a handful a day).
//
// Login is lazy: only a download with username and password set logs in, once; the token is
// kept and reused, and a 401 on a token call logs in again once. The login answer names the
// API host to use for that account (base_url, e.g. vip-api.opensubtitles.com); it is followed
// only when the configured API is itself an https://*.opensubtitles.com one and the named host
// is too, so a configured test or proxy URL is never swapped for the internet, and the token is
// never sent to a host the configuration did not choose.
import type { Logger } from '../../logger.ts'
import { InvalidInputError, NotConfiguredError, UpstreamError } from '../../errors.ts'
import { mapFailure, parseJson, quotaError, type Credential } from './failures.ts'
import { isSearchPage, mapCandidate, parseResetTime, searchParams } from './mappers.ts'
import { osRequest, type OsResponse, type RequestPolicy } from './request.ts'
import type { DownloadedSubtitle, OpenSubtitlesSettings, RawDownload, RawLogin, SubtitleCandidate, SubtitleQuery } from './types.ts'

export const DEFAULT_BASE_URL = 'https://api.opensubtitles.com/api/v1'
const API_MAX_BYTES = 4 * 1024 * 1024
const DEFAULT_MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024

export const NOT_CONFIGURED_MESSAGE = 'OpenSubtitles is not configured: set subtitles.opensubtitles.api_key in the config file ' +
  '(a consumer key from https://www.opensubtitles.com/consumers), then restart.'

/** A host named by the login answer, if it may replace the configured one (see the header). */
function accountBase (configured: URL, baseUrl: string | undefined): URL | undefined {
  if (baseUrl === undefined || baseUrl.trim() === '') return undefined
  const host = baseUrl.trim().replace(/^https?:\/\//, '').replace(/\/.*$/, '').toLowerCase()
  const official = (h: string): boolean => /^([a-z0-9-]+\.)*opensubtitles\.com$/.test(h)
  if (configured.protocol !== 'https:' || !official(configured.hostname) || !official(host)) return undefined
  return new URL(`https://${host}/api/v1/`)
}

/** The last path segment, so a file name from the API can never climb out of a folder. */
function baseName (name: string): string {
  return name.split(/[\\/]/).filter((s) => s !== '' && s !== '.' && s !== '..').pop() ?? ''
}

export class OpenSubtitlesClient {
  readonly configured: boolean
  private readonly base: URL
  private readonly policy: RequestPolicy
  private readonly maxPages: number
  private readonly maxDownloadBytes: number
  private readonly log: Logger
  private token: string | undefined
  private tokenBase: URL | undefined
  private loggingIn: Promise<void> | undefined

  constructor (private readonly settings: Readonly<OpenSubtitlesSettings>, log: Logger, private readonly fetchFn: typeof fetch = fetch) {
    this.configured = settings.apiKey.trim() !== ''
    const base = settings.baseUrl === undefined || settings.baseUrl.trim() === '' ? DEFAULT_BASE_URL : settings.baseUrl.trim()
    // new URL('subtitles', base) keeps base's path only when it ends with '/'
    this.base = new URL(base.endsWith('/') ? base : base + '/')
    this.policy = { timeoutMs: settings.timeoutMs ?? 15_000, backoffMs: settings.backoffMs ?? 500, transientRetries: 2, maxRetryAfterMs: 2000 }
    this.maxPages = Math.max(1, settings.maxPages ?? 3)
    this.maxDownloadBytes = settings.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES
    this.log = log.child({ part: 'opensubtitles' })
  }

  /** Whether downloads log in to an account (username and password are both set). */
  get hasAccount (): boolean {
    return (this.settings.username ?? '') !== '' && (this.settings.password ?? '') !== ''
  }

  /**
   * Subtitles for a movie or an episode, in the wanted languages, in the API's order (hash
   * matches and most downloaded first), at most `maxPages` pages. Results without exactly one
   * file are left out.
   */
  async search (query: SubtitleQuery): Promise<SubtitleCandidate[]> {
    this.requireConfigured()
    const what = `searching subtitles for ${describeQuery(query)}`
    const out: SubtitleCandidate[] = []
    const seen = new Set<number>()
    for (let page = 1; page <= this.maxPages; page++) {
      const url = new URL('subtitles', this.base)
      // the canonical order; URLSearchParams keeps insertion order
      for (const [k, v] of searchParams(query, page)) url.searchParams.append(k, v)
      const res = await this.call({ method: 'GET', url, what }, 'api_key')
      const body = parseJson(res.bytes)
      if (!isSearchPage(body)) throw new UpstreamError(`OpenSubtitles sent an unexpected response while ${what}`)
      for (const raw of body.data) {
        const c = mapCandidate(raw)
        if (c !== undefined && !seen.has(c.fileId)) { seen.add(c.fileId); out.push(c) }
      }
      const totalPages = typeof body.total_pages === 'number' ? body.total_pages : 1
      if (page >= totalPages || body.data.length === 0) break
    }
    return out
  }

  /**
   * Downloads one subtitle file: POST /download for a temporary link (this is what counts
   * against the quota), then the link itself, at most maxDownloadBytes.
   */
  async download (fileId: number): Promise<DownloadedSubtitle> {
    this.requireConfigured()
    if (!Number.isSafeInteger(fileId) || fileId <= 0) throw new InvalidInputError(`not an OpenSubtitles file id: ${fileId}`)
    const what = `downloading file ${fileId}`
    if (this.hasAccount) await this.ensureLogin()
    // A retried 5xx here can cost a quota slot (the API may count a request it failed to
    // answer); two retries at most keep that bounded.
    const res = await this.tokenCall((base) => ({ method: 'POST', url: new URL('download', base), json: { file_id: fileId }, what }))
    const body = parseJson(res.bytes) as RawDownload | undefined
    if (body === undefined || body === null || typeof body !== 'object') throw new UpstreamError(`OpenSubtitles sent a response that is not JSON while ${what}`)
    if (typeof body.link !== 'string' || body.link === '') {
      throw quotaError(body) ?? new UpstreamError(`OpenSubtitles sent no download link while ${what}`)
    }
    let link: URL
    try { link = new URL(body.link) } catch { throw new UpstreamError(`OpenSubtitles sent an invalid download link while ${what}`) }
    if (link.protocol !== 'https:' && link.protocol !== 'http:') throw new UpstreamError(`OpenSubtitles sent a ${link.protocol} download link while ${what}`)

    // The link is signed and may point at another host: it gets no API key and no token.
    const file = await osRequest({
      method: 'GET', url: link, headers: { 'user-agent': this.settings.userAgent, accept: '*/*' }, what, maxBytes: this.maxDownloadBytes, logUrl: link.origin
    }, this.policy, this.fetchFn, this.log)
    if (file.status === 410) throw mapFailure(410, undefined, what, 'api_key')
    if (file.status < 200 || file.status > 299) throw new UpstreamError(`the OpenSubtitles download link answered HTTP ${file.status} while ${what}`)
    const fileName = baseName(body.file_name ?? '') || baseName(link.pathname) || `${fileId}.srt`
    return {
      fileName,
      content: file.bytes,
      remaining: typeof body.remaining === 'number' ? body.remaining : null,
      resetAt: parseResetTime(body.reset_time_utc)
    }
  }

  private requireConfigured (): void {
    if (!this.configured) throw new NotConfiguredError(NOT_CONFIGURED_MESSAGE)
  }

  private headers (json: boolean, token?: string): Record<string, string> {
    const h: Record<string, string> = { 'api-key': this.settings.apiKey.trim(), 'user-agent': this.settings.userAgent, accept: 'application/json' }
    if (json) h['content-type'] = 'application/json'
    if (token !== undefined) h.authorization = `Bearer ${token}`
    return h
  }

  /** One API call with the API key (and `token`); a final non-2xx is mapped to an error. */
  private async call (r: { method: 'GET' | 'POST', url: URL, json?: unknown, what: string }, credential: Credential, token?: string): Promise<OsResponse> {
    const res = await osRequest({
      ...r, headers: this.headers(r.json !== undefined, token), maxBytes: API_MAX_BYTES, logUrl: r.url.href
    }, this.policy, this.fetchFn, this.log)
    if (res.status < 200 || res.status > 299) throw mapFailure(res.status, parseJson(res.bytes), r.what, credential)
    return res
  }

  /** A call that carries the login token when there is one; a 401 logs in again, once. */
  private async tokenCall (build: (base: URL) => { method: 'GET' | 'POST', url: URL, json?: unknown, what: string }): Promise<OsResponse> {
    const token = this.token
    if (token === undefined) return await this.call(build(this.base), 'api_key')
    const r = build(this.tokenBase ?? this.base)
    const res = await osRequest({ ...r, headers: this.headers(r.json !== undefined, token), maxBytes: API_MAX_BYTES, logUrl: r.url.href }, this.policy, this.fetchFn, this.log)
    if (res.status !== 401) {
      if (res.status < 200 || res.status > 299) throw mapFailure(res.status, parseJson(res.bytes), r.what, 'token')
      return res
    }
    this.log.info('OpenSubtitles refused the login token, logging in again')
    if (this.token === token) this.token = undefined
    await this.ensureLogin()
    const again = build(this.tokenBase ?? this.base)
    return await this.call(again, 'token', this.token)
  }

  /** Logs in unless a token is kept; concurrent callers share one login. */
  private async ensureLogin (): Promise<void> {
    if (this.token !== undefined) return
    this.loggingIn ??= this.login().finally(() => { this.loggingIn = undefined })
    await this.loggingIn
  }

  private async login (): Promise<void> {
    const what = 'logging in'
    const res = await this.call({
      method: 'POST', url: new URL('login', this.base), json: { username: this.settings.username, password: this.settings.password }, what
    }, 'login')
    const body = parseJson(res.bytes) as RawLogin | undefined
    if (typeof body?.token !== 'string' || body.token === '') throw new UpstreamError('OpenSubtitles sent a login answer without a token')
    this.token = body.token
    this.tokenBase = accountBase(this.base, body.base_url)
    this.log.info({ host: (this.tokenBase ?? this.base).host, allowedDownloads: body.user?.allowed_downloads, vip: body.user?.vip }, 'logged in to OpenSubtitles')
  }
}

function describeQuery (q: SubtitleQuery): string {
  const parts: string[] = []
  if (q.tmdbId !== undefined) parts.push(`TMDB ${q.tmdbId}`)
  if (q.imdbId !== undefined) parts.push(`IMDb ${q.imdbId}`)
  if (q.parentTmdbId !== undefined) parts.push(`show TMDB ${q.parentTmdbId}`)
  if (q.season !== undefined || q.episode !== undefined) parts.push(`S${q.season ?? '?'}E${q.episode ?? '?'}`)
  if (q.movieHash !== undefined) parts.push(`hash ${q.movieHash}`)
  return parts.join(' ') || 'nothing'
}
