// TMDB failures as API answers, search passthrough, and running without a TMDB key.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb, type FakeTmdb } from '../helpers/fake-tmdb.ts'
import { apiClient } from '../helpers/api-client.ts'

async function setup (t: TestContext, key = 'test-key', tmdbOverrides = {}): Promise<{ api: ReturnType<typeof apiClient>, tmdb: FakeTmdb }> {
  const tmdb = await startFakeTmdb(t)
  const { url } = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: key, ...tmdbOverrides } })
  return { api: apiClient(url), tmdb }
}

test('an invalid key -> 502 saying the key was rejected and where to set it', async (t) => {
  const { api } = await setup(t, 'revoked-key')
  for (const [path, body] of [['/api/movies', { tmdb_id: 550 }], ['/api/shows', { tmdb_id: 1396 }]] as const) {
    const r = await api.post(path, body)
    assert.equal(r.status, 502)
    assert.equal(r.body.error.code, 'upstream_error')
    assert.match(r.body.error.message, /TMDB rejected the API key/)
    assert.match(r.body.error.message, /tmdb\.api_key/)
  }
  assert.equal((await api.get('/api/search?type=movie&q=fight')).status, 502)
})

test('TMDB 404 -> 404 naming the id; nothing stored', async (t) => {
  const { api } = await setup(t)
  const movie = await api.post('/api/movies', { tmdb_id: 123 })
  assert.equal(movie.status, 404)
  assert.deepEqual(movie.body, { error: { code: 'not_found', message: 'TMDB has no movie 123' } })
  const show = await api.post('/api/shows', { tmdb_id: 42 })
  assert.equal(show.status, 404)
  assert.equal(show.body.error.message, 'TMDB has no TV show 42')
  assert.equal((await api.get('/api/movies')).body.total, 0)
})

test('429 with Retry-After is retried and the add succeeds', async (t) => {
  const { api, tmdb } = await setup(t)
  tmdb.failNext(2, { status: 429, retryAfter: '1' })
  const started = Date.now()
  const r = await api.post('/api/movies', { tmdb_id: 550 })
  assert.equal(r.status, 201)
  assert.ok(Date.now() - started >= 1800, 'honoured Retry-After twice')
  assert.equal(tmdb.requests.length, 3)
})

test('429 beyond max_retries -> 503; 500 -> 502 after a short retry; timeout -> 504', async (t) => {
  const { api, tmdb } = await setup(t, 'test-key', { max_retries: 1, timeout: 0.3 })
  tmdb.failNext(2, { status: 429, retryAfter: '0' })
  const limited = await api.post('/api/movies', { tmdb_id: 550 })
  assert.equal(limited.status, 503)
  assert.match(limited.body.error.message, /rate limiting/)

  tmdb.failNext(1, { status: 500 })
  assert.equal((await api.post('/api/movies', { tmdb_id: 754 })).status, 201, 'one 500 is retried')
  tmdb.failNext(5, { status: 500 })
  const broken = await api.post('/api/movies', { tmdb_id: 550 })
  assert.equal(broken.status, 502)
  assert.match(broken.body.error.message, /TMDB answered HTTP 500/)

  tmdb.delayNext(1, 3000)
  const slow = await api.post('/api/movies', { tmdb_id: 550 })
  assert.equal(slow.status, 504)
  assert.match(slow.body.error.message, /did not answer within 0.3 s/)
  assert.equal((await api.get('/api/movies')).body.total, 1)
})

test('search passes through, marks what is in the library, and validates its query', async (t) => {
  const { api, tmdb } = await setup(t)
  await api.post('/api/movies', { tmdb_id: 550 })
  const r = await api.get('/api/search?type=movie&q=Fight%20Club')
  assert.equal(r.status, 200)
  assert.deepEqual(r.body.results.map((x: any) => [x.tmdb_id, x.title, x.year, x.library_id]), [[550, 'Fight Club', 1999, 1], [1059865, 'Fight Club: Members Only', null, null]])
  assert.equal(r.body.total_results, 2)
  const last = tmdb.requests.at(-1)!
  assert.deepEqual([last.path, last.query.query, last.query.page, last.query.api_key, last.query.language], ['/search/movie', 'Fight Club', '1', 'test-key', 'en-US'])

  const tv = await api.get('/api/search?type=tv&q=breaking&page=1')
  assert.deepEqual(tv.body.results.map((x: any) => [x.tmdb_id, x.title, x.year, x.library_id]), [[1396, 'Breaking Bad', 2008, null]])
  const slash = await api.get('/api/search?type=movie&q=' + encodeURIComponent('face/off'))
  assert.equal(slash.body.results[0].title, 'Face/Off')

  for (const bad of ['/api/search?q=x', '/api/search?type=person&q=x', '/api/search?type=movie', '/api/search?type=movie&q=', '/api/search?type=movie&q=%20%20', '/api/search?type=movie&q=x&page=0']) {
    const b = await api.get(bad)
    assert.equal(b.status, 400, bad)
    assert.equal(b.body.error.code, 'invalid_input')
  }
  assert.match((await api.get('/api/search?type=person&q=x')).body.error.message, /querystring\/type must be "movie" or "tv"/)
})

test('without a key: TMDB endpoints answer 503 saying how to set one; manual add still works', async (t) => {
  const { api, tmdb } = await setup(t, '')
  for (const r of [await api.post('/api/movies', { tmdb_id: 550 }), await api.post('/api/shows', { tmdb_id: 1396 }), await api.get('/api/search?type=tv&q=x')]) {
    assert.equal(r.status, 503)
    assert.equal(r.body.error.code, 'not_configured')
    assert.match(r.body.error.message, /tmdb\.api_key/)
    assert.match(r.body.error.message, /MOMOSHTREM_TMDB_API_KEY/)
  }
  const movie = await api.post('/api/movies', { title: 'Fight Club', year: 1999 })
  assert.equal(movie.status, 201)
  assert.deepEqual([movie.body.title, movie.body.year, movie.body.tmdb_id], ['Fight Club', 1999, null])
  assert.equal((await api.post('/api/shows', { title: 'Breaking Bad' })).status, 201)
  const status = await api.get('/api/status')
  assert.equal(status.body.tmdb_configured, false)
  assert.equal(tmdb.requests.length, 0)
})
