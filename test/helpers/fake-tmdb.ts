// A fake TMDB v3 API on 127.0.0.1 (port 0) serving TMDB's real response shapes from
// test/fixtures/tmdb and TMDB's real error bodies. It records every request (so tests can
// assert the key, bearer token and language were sent) and can be scripted to fail or stall.
// Usage: const tmdb = await startFakeTmdb(t); startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey } })
// It is its own image CDN too: /configuration points secure_base_url at /t/p/ on the same
// server, which serves a small generated image for any <size>/<file> (see fakeImage).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'
import { crc32, deflateSync } from 'node:zlib'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { serverCloser } from './fake-server.ts'

const FIXTURES = new URL('../fixtures/tmdb/', import.meta.url)
const PAGE_SIZE = 20

export interface FakeTmdbRequest {
  method: string
  /** path below the API root, e.g. '/movie/550' */
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
}

export interface ScriptedFailure {
  status: number
  /** Retry-After header value (429) */
  retryAfter?: string
  /** only requests whose path (below /3) matches; all requests when absent */
  path?: RegExp
  /** answer with this body instead of TMDB's error body for `status` */
  body?: unknown
}

/** TMDB's error bodies, verbatim. */
export const TMDB_ERRORS = {
  401: { status_code: 7, status_message: 'Invalid API key: You must be granted a valid key.', success: false },
  404: { status_code: 34, status_message: 'The resource you requested could not be found.', success: false },
  429: { status_code: 25, status_message: 'Your request count (41) is over the allowed limit of (40).', success: false },
  500: { status_code: 11, status_message: 'Internal error: Something went wrong, contact TMDB.', success: false },
  503: { status_code: 9, status_message: 'Service offline: This service is temporarily offline, try again later.', success: false }
} as const

type Json = Record<string, any>

export interface FakeTmdb {
  /** API root to use as tmdb.base_url: http://127.0.0.1:PORT/3 */
  url: string
  /** the v3 key it accepts ('test-key') */
  apiKey: string
  /** the v4 bearer token it accepts ('test-bearer-token') */
  bearerToken: string
  /** every request, in order (images included: their path is /t/p/<size>/<file>) */
  requests: FakeTmdbRequest[]
  /** The next `count` requests (matching failure.path, if given) fail with `failure`, after being recorded. */
  failNext (count: number, failure: ScriptedFailure): void
  /** The next `count` requests are answered only after `ms` milliseconds. */
  delayNext (count: number, ms: number): void
  /** Adds (or replaces) an episode in a season, as TMDB does when a new one is announced. */
  addEpisode (tvId: number, seasonNumber: number, episode: { episode_number: number, name?: string | null, air_date?: string | null }): void
  /** Adds an empty season to a show. */
  addSeason (tvId: number, seasonNumber: number, name?: string): void
  /** Renames an episode (refresh must update names of existing episodes). */
  renameEpisode (tvId: number, seasonNumber: number, episodeNumber: number, name: string): void
  close (): Promise<void>
}

function loadFixtures (): Map<string, Json> {
  const data = new Map<string, Json>()
  for (const file of readdirSync(FIXTURES)) {
    if (file.endsWith('.json')) data.set(file.slice(0, -5), JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Json)
  }
  return data
}

function send (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

/** /search/{type}: the stored page for this query if any, else matches among the fixtures. */
function search (data: Map<string, Json>, type: string, query: string, page: number): Json {
  const slug = query.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-')
  const stored = data.get(`search-${type}-${slug}-p${page}`)
  if (stored !== undefined) return stored
  const needle = query.toLowerCase().trim()
  const prefix = type === 'movie' ? /^movie-\d+$/ : /^tv-\d+$/
  const hits = [...data.entries()].filter(([k]) => prefix.test(k)).map(([, v]) => v)
    .filter((v) => needle !== '' && String(v.title ?? v.name).toLowerCase().includes(needle))
    .sort((a, b) => a.id - b.id)
    .map((v) => type === 'movie'
      ? { adult: false, backdrop_path: v.backdrop_path, genre_ids: (v.genres ?? []).map((g: Json) => g.id), id: v.id, original_language: v.original_language, original_title: v.original_title, overview: v.overview, popularity: v.popularity, poster_path: v.poster_path, release_date: v.release_date, title: v.title, video: false, vote_average: v.vote_average, vote_count: v.vote_count }
      : { adult: false, backdrop_path: v.backdrop_path, genre_ids: (v.genres ?? []).map((g: Json) => g.id), id: v.id, origin_country: v.origin_country, original_language: v.original_language, original_name: v.original_name, overview: v.overview, popularity: v.popularity, poster_path: v.poster_path, first_air_date: v.first_air_date, name: v.name, vote_average: v.vote_average, vote_count: v.vote_count })
  return {
    page,
    results: hits.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    total_pages: Math.max(1, Math.ceil(hits.length / PAGE_SIZE)),
    total_results: hits.length
  }
}

/** TMDB's /configuration, verbatim but for the image host: this server. */
function configuration (origin: string): Json {
  return {
    change_keys: ['adult', 'air_date', 'also_known_as', 'alternative_titles', 'biography', 'birthday', 'budget', 'cast', 'certifications', 'character_names', 'created_by', 'crew', 'deathday', 'episode', 'episode_number', 'episode_run_time', 'freebase_id', 'freebase_mid', 'general', 'genres', 'guest_stars', 'homepage', 'images', 'imdb_id', 'languages', 'name', 'network', 'origin_country', 'original_name', 'original_title', 'overview', 'parts', 'place_of_birth', 'plot_keywords', 'production_code', 'production_companies', 'production_countries', 'releases', 'revenue', 'runtime', 'season', 'season_number', 'season_regular', 'spoken_languages', 'status', 'tagline', 'title', 'translations', 'tvdb_id', 'tvrage_id', 'type', 'video', 'videos'],
    images: {
      base_url: `${origin.replace(/^https:/, 'http:')}/t/p/`,
      secure_base_url: `${origin}/t/p/`,
      backdrop_sizes: ['w300', 'w780', 'w1280', 'original'],
      logo_sizes: ['w45', 'w92', 'w154', 'w185', 'w300', 'w500', 'original'],
      poster_sizes: ['w92', 'w154', 'w185', 'w342', 'w500', 'w780', 'original'],
      profile_sizes: ['w45', 'w185', 'h632', 'original'],
      still_sizes: ['w92', 'w185', 'w300', 'original']
    }
  }
}

/** An 8x12 grey baseline JPEG (ffmpeg -f lavfi -i color=c=0x6b7b8c:s=8x12 -frames:v 1 -q:v 10). */
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgUFBcUFxsbGxsbGyAeICEhISAgICAhISEkJCQqKiokJCQhISQkKCgqKi4vLisrKisvLzIyMjw8OTlGRkhWVmf/xABLAAEBAAAAAAAAAAAAAAAAAAAABAEBAAAAAAAAAAAAAAAAAAAABBABAAAAAAAAAAAAAAAAAAAAABEBAAAAAAAAAAAAAAAAAAAAAP/AABEIAAwACAMBIgACEQADEQD/2gAMAwEAAhEDEQA/AJwCxn//2Q==', 'base64')

function pngChunk (type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/** A 2x3 grey PNG carrying `text` in a tEXt chunk. */
function png (text: string): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(2, 0)
  ihdr.writeUInt32BE(3, 4)
  ihdr.set([8, 0, 0, 0, 0], 8) // 8-bit greyscale
  const rows = Buffer.from([0, 0x80, 0x80, 0, 0x80, 0x80, 0, 0x80, 0x80])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0))
  ])
}

/**
 * The image the fake serves for /t/p/<size>/<file>: a real JPEG or PNG (by the extension) that
 * names its size and file (after the JPEG's end marker, in the PNG's tEXt chunk), so a test
 * can tell which image it was given.
 */
export function fakeImage (size: string, file: string): { body: Buffer, contentType: string } {
  if (file.endsWith('.png')) return { body: png(`${size}/${file}`), contentType: 'image/png' }
  return { body: Buffer.concat([JPEG, Buffer.from(`${size}/${file}`, 'latin1')]), contentType: 'image/jpeg' }
}

/**
 * /trending/{type}/week and /{type}/popular: the stored page (fixtures <list>-p<N>); a page past
 * the last is empty, with the totals of page 1, as TMDB answers.
 */
function listPage (data: Map<string, Json>, list: string, page: number): Json {
  const stored = data.get(`${list}-p${page}`)
  if (stored !== undefined) return stored
  const first = data.get(`${list}-p1`)
  return { page, results: [], total_pages: first?.total_pages ?? 1, total_results: first?.total_results ?? 0 }
}

function route (data: Map<string, Json>, path: string, query: Record<string, string>): Json | undefined {
  let m: RegExpExecArray | null
  if ((m = /^\/movie\/(\d+)$/.exec(path)) !== null) return data.get(`movie-${m[1]}`)
  if ((m = /^\/tv\/(\d+)$/.exec(path)) !== null) return data.get(`tv-${m[1]}`)
  if ((m = /^\/tv\/(\d+)\/season\/(\d+)$/.exec(path)) !== null) return data.get(`tv-${m[1]}-season-${m[2]}`)
  if ((m = /^\/search\/(movie|tv)$/.exec(path)) !== null) return search(data, m[1]!, query.query ?? '', Math.max(1, Number(query.page ?? 1) || 1))
  if ((m = /^\/(?:trending\/(movie|tv)\/week|(movie|tv)\/popular)$/.exec(path)) !== null) {
    return listPage(data, m[1] !== undefined ? `trending-${m[1]}-week` : `${m[2]!}-popular`, Math.max(1, Number(query.page ?? 1) || 1))
  }
  return undefined
}

export async function startFakeTmdb (t: TestContext, opts: { apiKey?: string, bearerToken?: string } = {}): Promise<FakeTmdb> {
  const data = loadFixtures()
  const apiKey = opts.apiKey ?? 'test-key'
  const bearerToken = opts.bearerToken ?? 'test-bearer-token'
  const requests: FakeTmdbRequest[] = []
  const failures: ScriptedFailure[] = []
  const delays: number[] = []
  const timers = new Set<NodeJS.Timeout>()

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://fake')
    const path = u.pathname.replace(/^\/3(?=\/)/, '')
    const query = Object.fromEntries(u.searchParams)
    requests.push({ method: req.method ?? 'GET', path, query, headers: req.headers })
    const answer = (): void => {
      const index = failures.findIndex((f) => f.path === undefined || f.path.test(path))
      const failure = index < 0 ? undefined : failures.splice(index, 1)[0]
      if (failure !== undefined) {
        const body = failure.body ?? (TMDB_ERRORS as Record<number, Json>)[failure.status] ?? TMDB_ERRORS[500]
        send(res, failure.status, body, failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {})
        return
      }
      // the image CDN takes no key
      const image = /^\/t\/p\/([a-z0-9]+)\/([^/]+)$/.exec(path)
      if (image !== null) {
        const img = fakeImage(image[1]!, image[2]!)
        res.writeHead(200, { 'content-type': img.contentType, 'content-length': String(img.body.length) })
        res.end(img.body)
        return
      }
      const authorised = query.api_key === apiKey || req.headers.authorization === `Bearer ${bearerToken}`
      if (!authorised) { send(res, 401, TMDB_ERRORS[401]); return }
      const body = path === '/configuration' ? configuration(origin) : route(data, path, query)
      if (body === undefined) send(res, 404, TMDB_ERRORS[404])
      else send(res, 200, body)
    }
    const delay = delays.shift()
    if (delay === undefined) { answer(); return }
    const timer = setTimeout(() => { timers.delete(timer); if (!res.destroyed) answer() }, delay)
    timers.add(timer)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve() })
  })
  const port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`

  const season = (tvId: number, n: number): Json => {
    const s = data.get(`tv-${tvId}-season-${n}`)
    if (s === undefined) throw new Error(`fake TMDB: no season ${n} of tv ${tvId}`)
    return s
  }
  const syncSummary = (tvId: number, n: number): void => {
    const show = data.get(`tv-${tvId}`)
    const summary = show?.seasons?.find((x: Json) => x.season_number === n)
    if (summary !== undefined) summary.episode_count = season(tvId, n).episodes.length
  }

  const fake: FakeTmdb = {
    url: `${origin}/3`,
    apiKey,
    bearerToken,
    requests,
    failNext (count, failure) { for (let i = 0; i < count; i++) failures.push(failure) },
    delayNext (count, ms) { for (let i = 0; i < count; i++) delays.push(ms) },
    addEpisode (tvId, n, ep) {
      const s = season(tvId, n)
      s.episodes = s.episodes.filter((e: Json) => e.episode_number !== ep.episode_number)
      s.episodes.push({ air_date: ep.air_date ?? null, episode_number: ep.episode_number, episode_type: 'standard', id: 9_000_000 + ep.episode_number, name: ep.name ?? null, overview: '', production_code: '', runtime: null, season_number: n, show_id: tvId, still_path: null, vote_average: 0, vote_count: 0, crew: [], guest_stars: [] })
      s.episodes.sort((a: Json, b: Json) => a.episode_number - b.episode_number)
      syncSummary(tvId, n)
    },
    addSeason (tvId, n, name = `Season ${n}`) {
      const show = data.get(`tv-${tvId}`)
      if (show === undefined) throw new Error(`fake TMDB: no tv ${tvId}`)
      show.seasons.push({ air_date: null, episode_count: 0, id: 8_000_000 + n, name, overview: '', poster_path: null, season_number: n, vote_average: 0 })
      data.set(`tv-${tvId}-season-${n}`, { _id: `fake${n}`, air_date: null, episodes: [], name, overview: '', id: 8_000_000 + n, poster_path: null, season_number: n, vote_average: 0 })
    },
    renameEpisode (tvId, n, episodeNumber, name) {
      const ep = season(tvId, n).episodes.find((e: Json) => e.episode_number === episodeNumber)
      if (ep === undefined) throw new Error(`fake TMDB: no episode ${episodeNumber} in season ${n} of tv ${tvId}`)
      ep.name = name
    },
    close: serverCloser(server, timers)
  }
  t.after(async () => { await fake.close() })
  return fake
}
