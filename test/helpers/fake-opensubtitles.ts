// A fake OpenSubtitles REST API v1 on 127.0.0.1 (port 0): GET /subtitles, POST /login and
// POST /download with the real response shapes and error bodies, and the download links on the
// same server (so fetching a subtitle's bytes is loopback too). Nothing here reaches the internet.
//
// Usage:
//   const os = await startFakeOpenSubtitles(t)                    // closed by t.after
//   const sub = os.addSubtitle({ tmdbId: 550, language: 'en', movieHashes: [hash], content: '1\n00:00:01,000 --> ...' })
//   new OpenSubtitlesClient({ apiKey: os.apiKey, baseUrl: os.url, userAgent: 'momoshtrem v0.1.0',
//     username: os.username, password: os.password }, log)
//   os.requests                  // every request: method, path (below /api/v1), query, rawQuery, headers, body
//   os.failNext(1, { status: 503 }); os.failNext(1, { status: 429, retryAfter: '30' })
//   os.stallNext(1)              // the next request gets no answer (timeouts)
//   os.setQuota({ anonymous: 0 }) // the next download answers 406 with the quota body
//   os.expireTokens()            // issued tokens now get 401 (re-login)
//
// Searching: an entry matches tmdb_id / imdb_id (its own ids), or parent_tmdb_id with
// season_number and episode_number; a search with only a moviehash returns the entries linked to
// that hash. With a moviehash, every result carries moviehash_match (true when linked), hash
// matches first, then by download_count; `languages` filters on the entry's code lower-cased.
// A query whose parameters are not in the API's canonical form (names sorted, values lower
// case) is answered with a 301 to the canonical URL, as the real API does.
//
// Bodies, as far as public sources show them (clients' tests, live probes noted in public repos):
//   403 {"message":"You cannot consume this service"}            API key not allowed (Kong ACL)
//   401 {"message":"No API key found in request"}                no Api-Key header (Kong key-auth)
//   401 {"message":"You must be logged in"}                      expired or unknown token
//   406 {"requests","remaining","message","reset_time","reset_time_utc"} download quota used up
//   406 {"message":"Invalid file_id"}                            unknown file id
// Modelled where no public copy was found: the /login 401 text, the 429 text (Kong's rate
// limiting plugin's default) and the 5xx bodies.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { serverCloser } from './fake-server.ts'

export const OS_ERRORS = {
  forbiddenKey: { message: 'You cannot consume this service' },
  noKey: { message: 'No API key found in request' },
  notLoggedIn: { message: 'You must be logged in' },
  badLogin: { message: 'Error, invalid username/password', status: 401 },
  invalidFile: { message: 'Invalid file_id' },
  rateLimited: { message: 'API rate limit exceeded' },
  500: { message: 'Internal server error', status: 500 },
  502: { message: 'An invalid response was received from the upstream server' },
  503: { message: 'Service temporarily unavailable', status: 503 }
} as const

export interface FakeOsRequest {
  method: string
  /** below the API root, e.g. '/subtitles'; download links are '/links/…' */
  path: string
  query: Record<string, string>
  /** the query string as sent, without '?' (to check the canonical order) */
  rawQuery: string
  headers: IncomingHttpHeaders
  /** the parsed JSON body of a POST, if any */
  body: unknown
}

export interface FakeSubtitle {
  /** the movie's or the episode's own ids */
  tmdbId?: number
  imdbId?: number
  /** for an episode: the show's TMDB id, season and episode */
  parentTmdbId?: number
  season?: number
  episode?: number
  /** file hashes this subtitle was synced to (moviehash_match) */
  movieHashes?: string[]
  /** OpenSubtitles' code as it answers it: 'en', 'pt-BR', 'zh-CN' */
  language: string
  release?: string
  downloadCount?: number
  hearingImpaired?: boolean
  forced?: boolean
  aiTranslated?: boolean
  machineTranslated?: boolean
  fps?: number
  fromTrusted?: boolean
  uploader?: string
  fileName?: string
  /** what the download link serves (default: a two-cue SRT naming the file id) */
  content?: string | Buffer
  /** serve the content without Content-Length (chunked) */
  chunked?: boolean
  /** number of files (CDs); more than one is a split subtitle */
  cds?: number
}

export interface AddedSubtitle { id: string, fileId: number, fileName: string, content: Buffer }

export interface ScriptedFailure {
  status: number
  /** JSON body; default OS_ERRORS for the status */
  body?: unknown
  /** raw body instead (malformed JSON, HTML from a proxy, ...) */
  raw?: string
  retryAfter?: string
  headers?: Record<string, string>
  /** only requests whose path matches; all when absent */
  path?: RegExp
}

export interface FakeOpenSubtitles {
  /** API root to use as baseUrl: http://127.0.0.1:PORT/api/v1 */
  url: string
  apiKey: string
  username: string
  password: string
  requests: FakeOsRequest[]
  /** tokens issued by /login, in order */
  tokens: string[]
  /** successful POST /download answers so far */
  downloads: number
  addSubtitle (s: FakeSubtitle): AddedSubtitle
  /** The next `count` matching requests are recorded, then answered with `failure`. */
  failNext (count: number, failure: ScriptedFailure): void
  /** The next `count` matching requests get no answer for `ms` (default: until close); `afterHeaders` sends the headers and part of the body first. */
  stallNext (count: number, opts?: { path?: RegExp, ms?: number, afterHeaders?: boolean }): void
  /** Downloads allowed per 24 h without login (default 5) and per account (default 20), counted from now. */
  setQuota (q: { anonymous?: number, account?: number }): void
  /** Every token issued so far is refused from now on. */
  expireTokens (): void
  close (): Promise<void>
}

type Json = Record<string, unknown>

function send (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

async function readBody (req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  if (chunks.length === 0) return undefined
  try { return JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch { return Buffer.concat(chunks).toString('utf8') }
}

/** The canonical form of a query: names sorted, values lower case (what the real API redirects to). */
function canonical (params: URLSearchParams): string {
  const pairs = [...params].map(([k, v]) => [k.toLowerCase(), v.toLowerCase()] as const)
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return new URLSearchParams(pairs as Array<[string, string]>).toString()
}

function hoursMinutes (ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000))
  return `${String(Math.floor(m / 60)).padStart(2, '0')} hours and ${String(m % 60).padStart(2, '0')} minutes`
}

export async function startFakeOpenSubtitles (t: TestContext, opts: { apiKey?: string, username?: string, password?: string, perPage?: number, loginBaseUrl?: string } = {}): Promise<FakeOpenSubtitles> {
  const apiKey = opts.apiKey ?? 'test-os-key'
  const username = opts.username ?? 'test-user'
  const password = opts.password ?? 'test-pass'
  const perPage = opts.perPage ?? 60
  const requests: FakeOsRequest[] = []
  const failures: ScriptedFailure[] = []
  const stalls: Array<{ path?: RegExp, ms?: number, afterHeaders?: boolean }> = []
  const timers = new Set<NodeJS.Timeout>()
  const subtitles: Array<FakeSubtitle & AddedSubtitle> = []
  const links = new Map<string, FakeSubtitle & AddedSubtitle>()
  const tokens: string[] = []
  const validTokens = new Set<string>()
  let nextId = 9_000_001
  let quota = { anonymous: 5, account: 20 }
  let used = { anonymous: 0, account: 0 }
  let resetAt = Date.now() + 7.5 * 3600_000

  const quotaFields = (requestsMade: number, allowed: number): Json => {
    const utc = new Date(resetAt).toISOString()
    const inText = hoursMinutes(resetAt - Date.now())
    return {
      requests: requestsMade,
      remaining: allowed - requestsMade,
      message: `Your quota will be renewed in ${inText} (${utc.replace('T', ' ').replace(/\.\d+Z$/, '')} UTC) `,
      reset_time: inText,
      reset_time_utc: utc
    }
  }

  const item = (s: FakeSubtitle & AddedSubtitle, hash: string | undefined): Json => {
    const attributes: Json = {
      subtitle_id: s.id,
      language: s.language,
      download_count: s.downloadCount ?? 100,
      new_download_count: 0,
      hearing_impaired: s.hearingImpaired ?? false,
      hd: true,
      fps: s.fps ?? 23.976,
      votes: 0,
      ratings: 0,
      from_trusted: s.fromTrusted ?? false,
      foreign_parts_only: s.forced ?? false,
      upload_date: '2021-01-22T23:02:40Z',
      file_hashes: [],
      ai_translated: s.aiTranslated ?? false,
      nb_cd: s.cds ?? 1,
      slug: `${s.id}-fake`,
      machine_translated: s.machineTranslated ?? false,
      release: s.release ?? 'Fake.Release.1080p.WEB-DL',
      comments: '',
      legacy_subtitle_id: Number(s.id),
      legacy_uploader_id: 0,
      uploader: { uploader_id: 1, name: s.uploader ?? 'fake-uploader', rank: 'translator' },
      feature_details: s.parentTmdbId !== undefined
        ? { feature_id: 1, feature_type: 'Episode', year: 2008, title: 'Episode', movie_name: 'Show - S01E01 Episode', imdb_id: s.imdbId ?? null, tmdb_id: s.tmdbId ?? null, season_number: s.season ?? null, episode_number: s.episode ?? null, parent_imdb_id: null, parent_title: 'Show', parent_tmdb_id: s.parentTmdbId, parent_feature_id: 2 }
        : { feature_id: 1, feature_type: 'Movie', year: 1999, title: 'Movie', movie_name: '1999 - Movie', imdb_id: s.imdbId ?? null, tmdb_id: s.tmdbId ?? null },
      url: `https://www.opensubtitles.com/en/subtitles/legacy/${s.id}`,
      related_links: [],
      files: Array.from({ length: s.cds ?? 1 }, (_, i) => ({ file_id: s.fileId + i * 1_000_000, cd_number: i + 1, file_name: s.fileName }))
    }
    if (hash !== undefined) attributes.moviehash_match = s.movieHashes?.includes(hash) === true
    return { id: s.id, type: 'subtitle', attributes }
  }

  const search = (q: Record<string, string>): Json => {
    const num = (k: string): number | undefined => (q[k] === undefined ? undefined : Number(q[k]))
    const hash = q.moviehash
    const langs = q.languages?.split(',')
    const byId = q.tmdb_id !== undefined || q.imdb_id !== undefined || q.parent_tmdb_id !== undefined
    let hits = subtitles.filter((s) => byId
      ? (q.tmdb_id === undefined || s.tmdbId === num('tmdb_id')) &&
        (q.imdb_id === undefined || s.imdbId === num('imdb_id')) &&
        (q.parent_tmdb_id === undefined || s.parentTmdbId === num('parent_tmdb_id')) &&
        (q.season_number === undefined || s.season === num('season_number')) &&
        (q.episode_number === undefined || s.episode === num('episode_number'))
      : hash !== undefined && s.movieHashes?.includes(hash) === true)
    if (langs !== undefined) hits = hits.filter((s) => langs.includes(s.language.toLowerCase()))
    const matched = (s: FakeSubtitle): number => (hash !== undefined && s.movieHashes?.includes(hash) === true ? 0 : 1)
    hits.sort((a, b) => matched(a) - matched(b) || (b.downloadCount ?? 100) - (a.downloadCount ?? 100))
    const page = Math.max(1, num('page') ?? 1)
    return {
      total_pages: Math.max(1, Math.ceil(hits.length / perPage)),
      total_count: hits.length,
      per_page: perPage,
      page,
      data: hits.slice((page - 1) * perPage, page * perPage).map((s) => item(s, hash))
    }
  }

  const origin = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const answer = async (req: IncomingMessage, res: ServerResponse, rec: FakeOsRequest, u: URL): Promise<void> => {
    const { path, query } = rec
    // download links: no key, no token (they are signed URLs on the real service)
    if (req.method === 'GET' && path.startsWith('/links/')) {
      const s = links.get(path.split('/')[2] ?? '')
      if (s === undefined) { send(res, 410, { message: 'Download link expired' }); return }
      const headers: Record<string, string> = { 'content-type': 'application/x-subrip; charset=utf-8', 'content-disposition': `attachment; filename="${s.fileName}"` }
      if (s.chunked === true) {
        res.writeHead(200, headers)
        for (let i = 0; i < s.content.length; i += 65536) res.write(s.content.subarray(i, i + 65536))
        res.end()
      } else {
        res.writeHead(200, { ...headers, 'content-length': String(s.content.length) })
        res.end(s.content)
      }
      return
    }
    const key = req.headers['api-key']
    if (key === undefined || key === '') { send(res, 401, OS_ERRORS.noKey); return }
    if (key !== apiKey) { send(res, 403, OS_ERRORS.forbiddenKey); return }

    if (req.method === 'GET' && path === '/subtitles') {
      const want = canonical(u.searchParams)
      if (rec.rawQuery !== want) {
        res.writeHead(301, { location: `${u.pathname}?${want}` })
        res.end()
        return
      }
      send(res, 200, search(query))
      return
    }
    if (req.method === 'POST' && path === '/login') {
      const b = (rec.body ?? {}) as Json
      if (b.username !== username || b.password !== password) { send(res, 401, OS_ERRORS.badLogin); return }
      const token = `fake-token-${randomBytes(8).toString('hex')}`
      tokens.push(token)
      validTokens.add(token)
      send(res, 200, {
        user: { allowed_translations: 1, allowed_downloads: quota.account, level: 'Sub leecher', user_id: 66, ext_installed: false, vip: false },
        base_url: opts.loginBaseUrl ?? 'api.opensubtitles.com',
        token,
        status: 200
      })
      return
    }
    if (req.method === 'POST' && path === '/download') {
      const auth = req.headers.authorization
      let account = false
      if (auth !== undefined) {
        const token = auth.replace(/^Bearer /, '')
        if (!validTokens.has(token)) { send(res, 401, OS_ERRORS.notLoggedIn); return }
        account = true
      }
      const fileId = Number(((rec.body ?? {}) as Json).file_id)
      const s = subtitles.find((x) => x.fileId === fileId)
      if (s === undefined) { send(res, 406, OS_ERRORS.invalidFile); return }
      const allowed = account ? quota.account : quota.anonymous
      const made = (account ? used.account : used.anonymous) + 1
      if (made > allowed) {
        const fields = quotaFields(made, allowed)
        send(res, 406, { ...fields, message: `You have downloaded your allowed ${allowed} subtitles for 24h.${String(fields.message)}` })
        return
      }
      if (account) used.account++
      else used.anonymous++
      fake.downloads++
      const linkId = randomBytes(12).toString('hex')
      links.set(linkId, s)
      send(res, 200, { link: `${origin()}/links/${linkId}/${encodeURIComponent(s.fileName)}`, file_name: s.fileName, ...quotaFields(made, allowed) })
      return
    }
    send(res, 404, { message: 'no Route matched with those values' })
  }

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://fake')
    const path = u.pathname.replace(/^\/api\/v1(?=\/)/, '')
    const rec: FakeOsRequest = { method: req.method ?? 'GET', path, query: Object.fromEntries(u.searchParams), rawQuery: u.search.replace(/^\?/, ''), headers: req.headers, body: undefined }
    requests.push(rec)
    readBody(req).then(async (body) => {
      rec.body = body
      const fi = failures.findIndex((f) => f.path === undefined || f.path.test(path))
      const failure = fi < 0 ? undefined : failures.splice(fi, 1)[0]
      if (failure !== undefined) {
        const headers: Record<string, string> = { ...failure.headers }
        if (failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter
        if (failure.raw !== undefined) {
          res.writeHead(failure.status, { 'content-type': 'application/json; charset=utf-8', ...headers })
          res.end(failure.raw)
        } else {
          const fallback = failure.status === 429 ? OS_ERRORS.rateLimited : (OS_ERRORS as Record<number, unknown>)[failure.status] ?? OS_ERRORS[500]
          send(res, failure.status, failure.body ?? fallback, headers)
        }
        return
      }
      const si = stalls.findIndex((s) => s.path === undefined || s.path.test(path))
      const stall = si < 0 ? undefined : stalls.splice(si, 1)[0]
      if (stall !== undefined) {
        if (stall.afterHeaders === true) {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
          res.write('{"data": [')
        }
        if (stall.ms !== undefined) {
          const timer = setTimeout(() => { timers.delete(timer); if (!res.destroyed) void answer(req, res, rec, u) }, stall.ms)
          timers.add(timer)
        }
        return // no answer: the client's timeout (or close) ends it
      }
      await answer(req, res, rec, u)
    }).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { message: String(err) })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve() })
  })

  const fake: FakeOpenSubtitles = {
    url: `${origin()}/api/v1`,
    apiKey,
    username,
    password,
    requests,
    tokens,
    downloads: 0,
    addSubtitle (s) {
      const id = String(nextId++)
      const fileId = nextId++
      const fileName = s.fileName ?? `Fake.Release.${s.language}.${fileId}.srt`
      const content = typeof s.content === 'string' ? Buffer.from(s.content) : s.content ?? Buffer.from(`1\n00:00:01,000 --> 00:00:02,000\nfile ${fileId} (${s.language})\n\n2\n00:00:03,000 --> 00:00:04,000\nthe end\n`)
      const added = { id, fileId, fileName, content }
      subtitles.push({ ...s, ...added })
      return added
    },
    failNext (count, failure) { for (let i = 0; i < count; i++) failures.push(failure) },
    stallNext (count, o = {}) { for (let i = 0; i < count; i++) stalls.push(o) },
    setQuota (q) {
      quota = { anonymous: q.anonymous ?? quota.anonymous, account: q.account ?? quota.account }
      used = { anonymous: 0, account: 0 }
      resetAt = Date.now() + 7.5 * 3600_000
    },
    expireTokens () { validTokens.clear() },
    close: serverCloser(server, timers)
  }
  t.after(async () => { await fake.close() })
  return fake
}
