// The TMDB client against the fake TMDB server over real HTTP on 127.0.0.1.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { pino } from 'pino'
import { defaults, type Config } from '../../src/config/schema.ts'
import { NotConfiguredError, NotFoundError, UpstreamError } from '../../src/errors.ts'
import { TmdbClient } from '../../src/tmdb/client.ts'
import { startFakeTmdb, type FakeTmdb } from '../helpers/fake-tmdb.ts'

const log = pino({ level: 'silent' })

async function client (t: TestContext, cfg: Partial<Config['tmdb']> = {}): Promise<{ tmdb: TmdbClient, fake: FakeTmdb }> {
  const fake = await startFakeTmdb(t)
  return { fake, tmdb: new TmdbClient({ ...defaults.tmdb, base_url: fake.url, api_key: 'test-key', ...cfg }, log) }
}

test('details and search with api_key and language; no bearer header', async (t) => {
  const { tmdb, fake } = await client(t, { language: 'de-DE' })
  const movie = await tmdb.movie(550)
  assert.deepEqual([movie.tmdbId, movie.title, movie.year], [550, 'Fight Club', 1999])
  const show = await tmdb.tv(1396)
  assert.deepEqual(show.seasonNumbers, [0, 1, 2])
  const s1 = await tmdb.season(1396, 1)
  assert.deepEqual(s1.episodes.map((e) => e.name), ['Pilot', "Cat's in the Bag...", "...And the Bag's in the River"])
  const found = await tmdb.search('tv', 'breaking', 1)
  assert.deepEqual(found.results.map((r) => [r.tmdbId, r.year]), [[1396, 2008]])
  assert.deepEqual(fake.requests.map((r) => r.path), ['/movie/550', '/tv/1396', '/tv/1396/season/1', '/search/tv'])
  for (const r of fake.requests) {
    assert.equal(r.query.api_key, 'test-key')
    assert.equal(r.query.language, 'de-DE')
    assert.equal(r.headers.authorization, undefined)
  }
  assert.equal(fake.requests[3]!.query.query, 'breaking')
  assert.equal(fake.requests[3]!.query.page, '1')
})

test('bearer token goes in the Authorization header, never in the URL', async (t) => {
  const fake = await startFakeTmdb(t)
  const tmdb = new TmdbClient({ ...defaults.tmdb, base_url: fake.url + '/', bearer_token: fake.bearerToken }, log)
  assert.equal(tmdb.configured, true)
  assert.equal((await tmdb.movie(754)).title, 'Face/Off')
  assert.equal(fake.requests[0]!.headers.authorization, 'Bearer test-bearer-token')
  assert.equal(fake.requests[0]!.query.api_key, undefined)
  assert.equal(fake.requests[0]!.path, '/movie/754', 'a trailing slash in base_url is fine')
})

test('a v4 token pasted as api_key is sent as a bearer token', async (t) => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl'
  const fake = await startFakeTmdb(t, { bearerToken: jwt })
  const tmdb = new TmdbClient({ ...defaults.tmdb, base_url: fake.url, api_key: jwt }, log)
  await tmdb.movie(550)
  assert.equal(fake.requests[0]!.headers.authorization, `Bearer ${jwt}`)
  assert.equal(fake.requests[0]!.query.api_key, undefined)
})

test('404 -> NotFoundError naming what was asked for', async (t) => {
  const { tmdb } = await client(t)
  await assert.rejects(tmdb.movie(123), (err) => err instanceof NotFoundError && err.message === 'TMDB has no movie 123')
  await assert.rejects(tmdb.season(1396, 9), /TMDB has no season 9 of TV show 1396/)
})

test('401 -> UpstreamError saying the key is invalid and how to set one', async (t) => {
  const { tmdb } = await client(t, { api_key: 'wrong' })
  await assert.rejects(tmdb.movie(550), (err) => {
    assert.ok(err instanceof UpstreamError)
    assert.equal(err.status, 502)
    assert.match(err.message, /rejected the API key/)
    assert.match(err.message, /Invalid API key: You must be granted a valid key/)
    assert.match(err.message, /MOMOSHTREM_TMDB_API_KEY/)
    return true
  })
})

test('429 is retried after Retry-After; too many 429s -> 503', async (t) => {
  const { tmdb, fake } = await client(t, { max_retries: 2 })
  fake.failNext(2, { status: 429, retryAfter: '0' })
  assert.equal((await tmdb.movie(550)).title, 'Fight Club')
  assert.equal(fake.requests.length, 3)

  fake.failNext(1, { status: 429, retryAfter: '1' })
  const started = Date.now()
  await tmdb.movie(550)
  assert.ok(Date.now() - started >= 900, 'waited for Retry-After: 1')

  fake.failNext(3, { status: 429, retryAfter: '0' })
  await assert.rejects(tmdb.movie(550), (err) => err instanceof UpstreamError && err.status === 503 && /rate limiting/.test(err.message))
})

test('a Retry-After longer than the cap fails at once instead of hanging', async (t) => {
  const { tmdb, fake } = await client(t)
  fake.failNext(1, { status: 429, retryAfter: '3600' })
  const started = Date.now()
  await assert.rejects(tmdb.movie(550), (err) => err instanceof UpstreamError && err.status === 503)
  assert.ok(Date.now() - started < 2000)
})

test('5xx is retried a little, then -> 502', async (t) => {
  const { tmdb, fake } = await client(t)
  fake.failNext(1, { status: 500 })
  assert.equal((await tmdb.movie(550)).year, 1999)
  fake.failNext(10, { status: 500 })
  const before = fake.requests.length
  await assert.rejects(tmdb.movie(550), (err) => err instanceof UpstreamError && err.status === 502 && /HTTP 500/.test(err.message))
  assert.equal(fake.requests.length - before, 3, 'first try plus two retries')
})

test('a 200 answer without the expected fields -> 502, never junk rows', async (t) => {
  const { tmdb, fake } = await client(t)
  fake.failNext(1, { status: 200, body: { status_message: 'maintenance' } })
  await assert.rejects(tmdb.movie(550), (err) => err instanceof UpstreamError && err.status === 502 && /unexpected response for movie 550/.test(err.message))
  fake.failNext(1, { status: 200, body: { page: 1, results: [{ title: 'no id' }] } })
  await assert.rejects(tmdb.search('movie', 'x'), /unexpected response/)
  fake.failNext(1, { status: 200, body: { season_number: 1, episodes: 'none' } })
  await assert.rejects(tmdb.season(1396, 1), /unexpected response for season 1 of TV show 1396/)
})

test('timeout -> 504 UpstreamError', async (t) => {
  const { tmdb, fake } = await client(t, { timeout: 0.2 })
  fake.delayNext(1, 2000)
  await assert.rejects(tmdb.movie(550), (err) => err instanceof UpstreamError && err.status === 504 && /did not answer within 0.2 s/.test(err.message))
})

test('unreachable TMDB -> 502 naming the address', async (t) => {
  // a port that was free a moment ago: connection refused
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => { resolve(p) }) })
  })
  const tmdb = new TmdbClient({ ...defaults.tmdb, base_url: `http://127.0.0.1:${port}/3`, api_key: 'k', max_retries: 1 }, log)
  await assert.rejects(tmdb.movie(550), (err) => err instanceof UpstreamError && err.status === 502 && err.message.includes(`127.0.0.1:${port}`))
})

test('without a key every call throws NotConfiguredError explaining how to set one', async () => {
  const tmdb = new TmdbClient(defaults.tmdb, log)
  assert.equal(tmdb.configured, false)
  await assert.rejects(tmdb.search('movie', 'x'), (err) => {
    assert.ok(err instanceof NotConfiguredError)
    assert.equal(err.status, 503)
    assert.match(err.message, /tmdb\.api_key/)
    assert.match(err.message, /MOMOSHTREM_TMDB_API_KEY/)
    return true
  })
})
