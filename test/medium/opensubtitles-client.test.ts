// The OpenSubtitles client against the fake OpenSubtitles server over real HTTP on 127.0.0.1.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { pino } from 'pino'
import type { Logger } from '../../src/logger.ts'
import { NotConfiguredError, RateLimitedError, TimeoutError, UnprocessableError, UpstreamError } from '../../src/errors.ts'
import { OpenSubtitlesClient } from '../../src/subtitles/opensubtitles/client.ts'
import type { OpenSubtitlesSettings } from '../../src/subtitles/opensubtitles/types.ts'
import { startFakeOpenSubtitles, type FakeOpenSubtitles } from '../helpers/fake-opensubtitles.ts'
import { timed } from '../helpers/wait.ts'

const UA = 'momoshtrem v0.1.0'
const HASH = '8e245d9679d31e12'

function capture (): { log: Logger, lines: string[] } {
  const lines: string[] = []
  return { lines, log: pino({ level: 'trace' }, { write (s: string) { lines.push(s) } }) }
}

type Settings = Partial<OpenSubtitlesSettings> | ((fake: FakeOpenSubtitles) => Partial<OpenSubtitlesSettings>)

/** A fake and a client of it (quick back-off, logs captured); `settings` may depend on the fake. */
async function setup (t: TestContext, settings: Settings = {}, fakeOpts: Parameters<typeof startFakeOpenSubtitles>[1] = {}): Promise<{ os: OpenSubtitlesClient, fake: FakeOpenSubtitles, lines: string[] }> {
  const fake = await startFakeOpenSubtitles(t, fakeOpts)
  const { log, lines } = capture()
  const extra = typeof settings === 'function' ? settings(fake) : settings
  const os = new OpenSubtitlesClient({ apiKey: fake.apiKey, baseUrl: fake.url, userAgent: UA, backoffMs: 1, timeoutMs: 5000, ...extra }, log)
  return { os, fake, lines }
}

const withAccount = (fake: FakeOpenSubtitles): Partial<OpenSubtitlesSettings> => ({ username: fake.username, password: fake.password })

test('search: canonical query (sorted, lower case, no tt), headers, normalised results, hash matches first', async (t) => {
  const { os, fake } = await setup(t)
  const other = fake.addSubtitle({ tmdbId: 550, imdbId: 137523, language: 'en', downloadCount: 9000, release: 'Fight.Club.1999.DVDRip' })
  const synced = fake.addSubtitle({ tmdbId: 550, imdbId: 137523, language: 'en', downloadCount: 12, movieHashes: [HASH], release: 'Fight.Club.1999.1080p' })
  const br = fake.addSubtitle({ tmdbId: 550, imdbId: 137523, language: 'pt-BR', hearingImpaired: true, forced: false, fps: 25 })
  fake.addSubtitle({ tmdbId: 550, imdbId: 137523, language: 'de' })
  fake.addSubtitle({ tmdbId: 551, language: 'en' })
  fake.addSubtitle({ tmdbId: 550, imdbId: 137523, language: 'en', cds: 2 })

  const found = await os.search({ tmdbId: 550, imdbId: 'tt0137523', movieHash: HASH.toUpperCase(), languages: ['pt', 'EN'] })
  assert.deepEqual(found.map((c) => c.fileId), [synced.fileId, other.fileId, br.fileId], 'hash match first, German and the 2-CD one left out')
  assert.deepEqual(found.map((c) => c.moviehashMatch), [true, false, false])
  const b = found[2]
  assert.equal(b?.language, 'pt')
  assert.equal(b?.languageTag, 'pt-BR')
  assert.equal(b?.hearingImpaired, true)
  assert.equal(b?.fps, 25)
  assert.equal(b?.fileName, br.fileName)
  assert.equal(found[0]?.release, 'Fight.Club.1999.1080p')

  assert.equal(fake.requests.length, 1, 'no redirect: the query was already canonical')
  const r = fake.requests[0]!
  assert.equal(r.path, '/subtitles')
  assert.equal(r.rawQuery, `imdb_id=137523&languages=en%2Cpt-br%2Cpt-pt&moviehash=${HASH}&tmdb_id=550`)
  assert.equal(r.headers['api-key'], fake.apiKey)
  assert.equal(r.headers['user-agent'], UA)
  assert.equal(r.headers.authorization, undefined, 'searching needs no login')
})

test('search for an episode by the show id, season and episode; several pages', async (t) => {
  const { os, fake } = await setup(t, { maxPages: 2 }, { perPage: 2 })
  for (let i = 0; i < 5; i++) fake.addSubtitle({ parentTmdbId: 1396, season: 1, episode: 2, language: 'en', downloadCount: 100 - i })
  fake.addSubtitle({ parentTmdbId: 1396, season: 1, episode: 3, language: 'en' })
  const found = await os.search({ parentTmdbId: 1396, season: 1, episode: 2, languages: ['en'] })
  assert.equal(found.length, 4, 'two pages of two')
  assert.deepEqual(fake.requests.map((r) => r.rawQuery), [
    'episode_number=2&languages=en&parent_tmdb_id=1396&season_number=1',
    'episode_number=2&languages=en&page=2&parent_tmdb_id=1396&season_number=1'
  ])
  assert.deepEqual(await os.search({ parentTmdbId: 1396, season: 9, episode: 9, languages: ['en'] }), [])
})

test('the fake, like the API, redirects a non-canonical query', async (t) => {
  const fake = await startFakeOpenSubtitles(t)
  const res = await fetch(`${fake.url}/subtitles?tmdb_id=550&languages=EN`, { headers: { 'api-key': fake.apiKey }, redirect: 'manual' })
  assert.equal(res.status, 301)
  assert.equal(res.headers.get('location'), '/api/v1/subtitles?languages=en&tmdb_id=550')
})

test('download with an account: one lazy login, token reused, link fetched without key or token', async (t) => {
  const fake = await startFakeOpenSubtitles(t)
  const a = fake.addSubtitle({ tmdbId: 550, language: 'en', content: 'ä\u0000 bytes, NUL included' })
  const b = fake.addSubtitle({ tmdbId: 550, language: 'fr' })
  const client = new OpenSubtitlesClient({ apiKey: fake.apiKey, baseUrl: fake.url, userAgent: UA, ...withAccount(fake) }, pino({ level: 'silent' }))
  assert.equal(client.hasAccount, true)
  await client.search({ tmdbId: 550, languages: [] })
  assert.equal(fake.requests.filter((r) => r.path === '/login').length, 0, 'searching does not log in')

  const got = await client.download(a.fileId)
  assert.deepEqual(got.content, a.content)
  assert.equal(got.fileName, a.fileName)
  assert.equal(got.remaining, 19)
  assert.ok(got.resetAt instanceof Date && got.resetAt.getTime() > Date.now())
  await client.download(b.fileId)

  const paths = fake.requests.map((r) => `${r.method} ${r.path.replace(/^\/links\/.*/, '/links/…')}`)
  assert.deepEqual(paths, ['GET /subtitles', 'POST /login', 'POST /download', 'GET /links/…', 'POST /download', 'GET /links/…'])
  const login = fake.requests[1]!
  assert.deepEqual(login.body, { username: fake.username, password: fake.password })
  assert.equal(login.headers['content-type'], 'application/json')
  for (const r of fake.requests.filter((x) => x.path === '/download')) {
    assert.equal(r.headers.authorization, `Bearer ${fake.tokens[0]}`)
    assert.equal(r.headers['api-key'], fake.apiKey)
  }
  for (const r of fake.requests.filter((x) => x.path.startsWith('/links/'))) {
    assert.equal(r.headers['api-key'], undefined)
    assert.equal(r.headers.authorization, undefined)
    assert.equal(r.headers['user-agent'], UA)
  }
  assert.equal(fake.tokens.length, 1)
})

test('download without an account: no login, no token', async (t) => {
  const { os, fake } = await setup(t)
  const s = fake.addSubtitle({ tmdbId: 1, language: 'en' })
  assert.equal(os.hasAccount, false)
  const got = await os.download(s.fileId)
  assert.deepEqual(got.content, s.content)
  assert.equal(got.remaining, 4, 'anonymous quota of 5')
  assert.deepEqual(fake.requests.map((r) => r.path.split('/')[1]), ['download', 'links'])
  assert.equal(fake.requests[0]!.headers.authorization, undefined)
  assert.deepEqual(fake.requests[0]!.body, { file_id: s.fileId })
})

test('a refused token logs in again once; a refused login says so', async (t) => {
  const { os: client, fake } = await setup(t, withAccount)
  const s = fake.addSubtitle({ tmdbId: 1, language: 'en' })
  await client.download(s.fileId)
  fake.expireTokens()
  await client.download(s.fileId)
  assert.equal(fake.tokens.length, 2)
  const downloads = fake.requests.filter((r) => r.path === '/download').map((r) => r.headers.authorization)
  assert.deepEqual(downloads, [`Bearer ${fake.tokens[0]}`, `Bearer ${fake.tokens[0]}`, `Bearer ${fake.tokens[1]}`])

  const wrong = new OpenSubtitlesClient({ apiKey: fake.apiKey, baseUrl: fake.url, userAgent: UA, username: 'test-user', password: 'nope' }, pino({ level: 'silent' }))
  await assert.rejects(wrong.download(s.fileId), (err) => {
    assert.ok(err instanceof UpstreamError)
    assert.equal(err.status, 502)
    assert.match(err.message, /OpenSubtitles refused the login \(HTTP 401\) \(OpenSubtitles said: "Error, invalid username\/password"\)/)
    assert.match(err.message, /subtitles\.opensubtitles\.username/)
    assert.doesNotMatch(err.message, /nope/)
    return true
  })
})

test('a rejected API key -> 502 naming the key, with what OpenSubtitles said', async (t) => {
  const { os } = await setup(t, { apiKey: 'wrong-key' })
  await assert.rejects(os.search({ tmdbId: 550, languages: ['en'] }), (err) => {
    assert.ok(err instanceof UpstreamError)
    assert.equal(err.status, 502)
    assert.match(err.message, /rejected the API key \(HTTP 403\) \(OpenSubtitles said: "You cannot consume this service"\)/)
    assert.match(err.message, /subtitles\.opensubtitles\.api_key/)
    assert.doesNotMatch(err.message, /wrong-key/)
    return true
  })
})

test('the daily quota (406) -> 429 RateLimitedError with retryAfter from reset_time_utc', async (t) => {
  const { os, fake } = await setup(t)
  const s = fake.addSubtitle({ tmdbId: 1, language: 'en' })
  fake.setQuota({ anonymous: 1 })
  await os.download(s.fileId)
  await assert.rejects(os.download(s.fileId), (err) => {
    assert.ok(err instanceof RateLimitedError)
    assert.equal(err.status, 429)
    assert.equal(err.code, 'rate_limited')
    // the fake renews 7.5 h after setQuota
    assert.ok(err.retryAfter !== undefined && Math.abs(err.retryAfter - 27_000) < 120, `retryAfter ${err.retryAfter}`)
    assert.match(err.message, /download quota is used up \(OpenSubtitles said: "You have downloaded your allowed 1 subtitles for 24h\./)
    assert.equal(err.details?.remaining, -1)
    assert.equal(typeof err.details?.reset_at, 'string')
    return true
  })
  assert.equal(fake.requests.filter((r) => r.path === '/download').length, 2, 'a quota refusal is not retried')
  // a 406 that is not about the quota
  await assert.rejects(os.download(123), (err) => err instanceof UnprocessableError && /Invalid file_id/.test(err.message))
})

test('429: a short Retry-After is waited once; a long one fails at once with its Retry-After', async (t) => {
  const { os, fake } = await setup(t)
  fake.addSubtitle({ tmdbId: 550, language: 'en' })
  fake.failNext(1, { status: 429, retryAfter: '0' })
  assert.equal((await os.search({ tmdbId: 550, languages: ['en'] })).length, 1)
  assert.equal(fake.requests.length, 2)

  fake.failNext(2, { status: 429, retryAfter: '0' })
  await assert.rejects(os.search({ tmdbId: 550, languages: ['en'] }), (err) => err instanceof RateLimitedError && err.retryAfter === 1 &&
    /rate limiting requests \(OpenSubtitles said: "API rate limit exceeded"\)/.test(err.message))

  const before = fake.requests.length
  fake.failNext(1, { status: 429, retryAfter: '30' })
  const r = await timed(async () => await os.search({ tmdbId: 550, languages: ['en'] }))
  assert.ok(r.error instanceof RateLimitedError && r.error.retryAfter === 30 && r.error.status === 429)
  assert.ok(r.ms < 1000, `failed at once, not after ${r.ms} ms`)
  assert.equal(fake.requests.length - before, 1)

  fake.failNext(1, { status: 429, headers: { 'ratelimit-reset': '7' } })
  await assert.rejects(os.search({ tmdbId: 550, languages: ['en'] }), (err) => err instanceof RateLimitedError && err.retryAfter === 7)
})

test('5xx is retried twice, then an UpstreamError with status 503', async (t) => {
  const { os, fake } = await setup(t)
  fake.addSubtitle({ tmdbId: 550, language: 'en' })
  fake.failNext(2, { status: 503 })
  assert.equal((await os.search({ tmdbId: 550, languages: ['en'] })).length, 1)
  assert.equal(fake.requests.length, 3)

  fake.failNext(3, { status: 502 })
  await assert.rejects(os.search({ tmdbId: 550, languages: ['en'] }), (err) => {
    assert.ok(err instanceof UpstreamError)
    assert.equal(err.status, 503)
    assert.match(err.message, /OpenSubtitles is unavailable: HTTP 502/)
    return true
  })
  assert.equal(fake.requests.length, 6)
})

test('unreachable -> 503 naming the address, after the retries', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => { resolve(p) }) })
  })
  const os = new OpenSubtitlesClient({ apiKey: 'k', baseUrl: `http://127.0.0.1:${port}/api/v1`, userAgent: UA, backoffMs: 1 }, pino({ level: 'silent' }))
  await assert.rejects(os.search({ tmdbId: 1, languages: [] }), (err) => err instanceof UpstreamError && err.status === 503 &&
    err.message.includes(`cannot reach OpenSubtitles at http://127.0.0.1:${port}`))
})

test('timeout -> TimeoutError 504, not retried, whether the headers or the body stall', async (t) => {
  const { os, fake } = await setup(t, { timeoutMs: 200 })
  fake.addSubtitle({ tmdbId: 550, language: 'en' })
  fake.stallNext(1)
  const r = await timed(async () => await os.search({ tmdbId: 550, languages: ['en'] }))
  assert.ok(r.error instanceof TimeoutError, String(r.error))
  assert.equal(r.error.status, 504)
  assert.equal(r.error.code, 'timeout')
  assert.match(r.error.message, /did not answer within 0.2 s \(searching subtitles for TMDB 550\)/)
  assert.ok(r.ms < 3000, `bounded: ${r.ms} ms`)
  assert.equal(fake.requests.length, 1)

  fake.stallNext(1, { afterHeaders: true })
  await assert.rejects(os.search({ tmdbId: 550, languages: ['en'] }), TimeoutError)
  assert.equal((await os.search({ tmdbId: 550, languages: ['en'] })).length, 1, 'works again afterwards')
})

test('malformed or unexpected JSON -> 502', async (t) => {
  const { os, fake } = await setup(t)
  const s = fake.addSubtitle({ tmdbId: 550, language: 'en' })
  fake.failNext(1, { status: 200, raw: '{"data": [' })
  await assert.rejects(os.search({ tmdbId: 550, languages: ['en'] }), (err) => err instanceof UpstreamError && err.status === 502 && /unexpected response/.test(err.message))
  fake.failNext(1, { status: 200, body: { data: 'none' } })
  await assert.rejects(os.search({ tmdbId: 550, languages: ['en'] }), /unexpected response/)
  fake.failNext(1, { status: 200, raw: '<html>maintenance</html>', path: /^\/download$/ })
  await assert.rejects(os.download(s.fileId), (err) => err instanceof UpstreamError && /not JSON/.test(err.message))
  fake.failNext(1, { status: 200, body: { message: 'hm' }, path: /^\/download$/ })
  await assert.rejects(os.download(s.fileId), /sent no download link/)
  fake.failNext(1, { status: 200, body: { link: 'file:///etc/passwd', file_name: 'x.srt' }, path: /^\/download$/ })
  await assert.rejects(os.download(s.fileId), /file: download link/)
})

test('an oversize subtitle is refused, with or without Content-Length', async (t) => {
  const { os, fake } = await setup(t, { maxDownloadBytes: 100_000 })
  const declared = fake.addSubtitle({ tmdbId: 1, language: 'en', content: Buffer.alloc(100_001, 0x41) })
  const chunked = fake.addSubtitle({ tmdbId: 1, language: 'en', content: Buffer.alloc(300_000, 0x41), chunked: true })
  const fits = fake.addSubtitle({ tmdbId: 1, language: 'en', content: Buffer.alloc(100_000, 0x41), chunked: true })
  await assert.rejects(os.download(declared.fileId), (err) => err instanceof UpstreamError && err.status === 502 && /larger than 100000 bytes \(100001 bytes\)/.test(err.message))
  await assert.rejects(os.download(chunked.fileId), /larger than 100000 bytes \(more than 100000 bytes\)/)
  assert.equal((await os.download(fits.fileId)).content.length, 100_000)
})

test('a login base_url is followed only from the official API, never from a configured test URL', async (t) => {
  // configured with the fake: base_url "vip-api.opensubtitles.com" is ignored, downloads stay on loopback
  const { fake } = await setup(t, {}, { loginBaseUrl: 'vip-api.opensubtitles.com' })
  const s = fake.addSubtitle({ tmdbId: 1, language: 'en' })
  const local = new OpenSubtitlesClient({ apiKey: fake.apiKey, baseUrl: fake.url, userAgent: UA, ...withAccount(fake) }, pino({ level: 'silent' }))
  await local.download(s.fileId)
  assert.ok(fake.requests.some((r) => r.path === '/download'))

  // configured with the official URL: calls are routed to the fake by the injected fetch, which
  // records the hosts asked for; the account's host is used for the token calls
  const asked: string[] = []
  const route: typeof fetch = async (input, init) => {
    const u = new URL(input instanceof Request ? input.url : String(input))
    asked.push(`${init?.method ?? 'GET'} ${u.host}${u.pathname.replace(/\/links\/.*/, '/links/…')}`)
    if (u.hostname.endsWith('opensubtitles.com')) return await fetch(fake.url + u.pathname.replace(/^\/api\/v1/, '') + u.search, init)
    return await fetch(u, init)
  }
  const official = new OpenSubtitlesClient({ apiKey: fake.apiKey, userAgent: UA, ...withAccount(fake) }, pino({ level: 'silent' }), route)
  await official.download(s.fileId)
  const port = new URL(fake.url).port
  assert.deepEqual(asked, [
    'POST api.opensubtitles.com/api/v1/login',
    'POST vip-api.opensubtitles.com/api/v1/download',
    `GET 127.0.0.1:${port}/links/…`
  ])
})

test('not configured -> NotConfiguredError; bad input -> 400 before any request', async (t) => {
  const { fake } = await setup(t)
  const os = new OpenSubtitlesClient({ apiKey: ' ', baseUrl: fake.url, userAgent: UA }, pino({ level: 'silent' }))
  assert.equal(os.configured, false)
  await assert.rejects(os.search({ tmdbId: 1, languages: [] }), (err) => err instanceof NotConfiguredError && /subtitles\.opensubtitles\.api_key/.test(err.message))
  const ok = new OpenSubtitlesClient({ apiKey: fake.apiKey, baseUrl: fake.url, userAgent: UA }, pino({ level: 'silent' }))
  await assert.rejects(ok.search({ languages: ['en'] }), (err: Error & { status?: number }) => err.status === 400)
  await assert.rejects(ok.download(-1), (err: Error & { status?: number }) => err.status === 400)
  assert.equal(fake.requests.length, 0)
})

test('the API key, the password and the tokens never reach the log', async (t) => {
  const fake = await startFakeOpenSubtitles(t)
  const s = fake.addSubtitle({ tmdbId: 550, language: 'en', movieHashes: [HASH] })
  const { log, lines } = capture()
  const client = new OpenSubtitlesClient({ apiKey: fake.apiKey, baseUrl: fake.url, userAgent: UA, backoffMs: 1, timeoutMs: 300, ...withAccount(fake) }, log)
  await client.search({ tmdbId: 550, movieHash: HASH, languages: ['en'] })
  await client.download(s.fileId)
  fake.expireTokens()
  await client.download(s.fileId)
  fake.failNext(1, { status: 503 })
  fake.failNext(1, { status: 429, retryAfter: '0' })
  await client.download(s.fileId)
  fake.stallNext(1)
  await assert.rejects(client.search({ tmdbId: 550, languages: ['en'] }), TimeoutError)
  const bad = new OpenSubtitlesClient({ apiKey: fake.apiKey, baseUrl: fake.url, userAgent: UA, username: fake.username, password: 'hunter2-secret' }, log)
  await assert.rejects(bad.download(s.fileId), UpstreamError)

  assert.ok(lines.length >= 10, `logged ${lines.length} lines`)
  const all = lines.join('\n')
  assert.match(all, /logged in to OpenSubtitles/)
  assert.match(all, /OpenSubtitles refused the login token, logging in again/)
  assert.match(all, /OpenSubtitles server error, retrying/)
  for (const secret of [fake.apiKey, fake.password, 'hunter2-secret', ...fake.tokens]) {
    assert.ok(!all.includes(secret), `"${secret}" was logged`)
  }
  // the signed download links are logged by origin only
  assert.doesNotMatch(all, /\/links\//)
})

test('a failing download link -> 502 naming the link, 410 saying it expired', async (t) => {
  const { os, fake } = await setup(t)
  const s = fake.addSubtitle({ tmdbId: 1, language: 'en' })
  fake.failNext(1, { status: 403, path: /^\/links\// })
  await assert.rejects(os.download(s.fileId), (err) => err instanceof UpstreamError && err.status === 502 &&
    err.message === `the OpenSubtitles download link answered HTTP 403 while downloading file ${s.fileId}`)
  fake.failNext(1, { status: 410, path: /^\/links\// })
  await assert.rejects(os.download(s.fileId), /download link expired \(HTTP 410\)/)
})
