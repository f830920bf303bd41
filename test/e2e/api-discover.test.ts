// GET /api/discover end to end: TMDB's trending and popular lists through the real app, against
// the fake TMDB serving TMDB's shapes; what is already in the library carries its id.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb, type FakeTmdb } from '../helpers/fake-tmdb.ts'
import { apiClient } from '../helpers/api-client.ts'

async function setup (t: TestContext, key = 'test-key'): Promise<{ api: ReturnType<typeof apiClient>, tmdb: FakeTmdb }> {
  const tmdb = await startFakeTmdb(t)
  const { url } = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: key, max_retries: 0 } })
  return { api: apiClient(url), tmdb }
}

test('trending and popular movies and shows, marked with their library ids, page by page', async (t) => {
  const { api, tmdb } = await setup(t)
  const fightClub = await api.post('/api/movies', { tmdb_id: 550 })
  const dark = await api.post('/api/shows', { tmdb_id: 70523 })

  const trending = await api.get('/api/discover?list=trending&type=movie')
  assert.equal(trending.status, 200)
  assert.deepEqual(trending.body.items[1], {
    tmdb_id: 550,
    type: 'movie',
    title: 'Fight Club',
    year: 1999,
    overview: 'A ticking-time-bomb insomniac and a slippery soap salesman channel primal male aggression into a shocking new form of therapy.',
    poster_path: '/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg',
    library_id: fightClub.body.id
  })
  assert.deepEqual(trending.body.items.map((i: any) => [i.tmdb_id, i.year, i.library_id]), [[575264, 2023, null], [550, 1999, fightClub.body.id], [1100099, null, null]])
  // TMDB's "" date, "" overview and null poster are nulls
  assert.deepEqual([trending.body.items[2].overview, trending.body.items[2].poster_path], [null, null])
  assert.deepEqual([trending.body.page, trending.body.total_pages], [1, 2])
  assert.deepEqual(Object.keys(trending.body).sort(), ['items', 'page', 'total_pages'])
  let last = tmdb.requests.at(-1)!
  assert.deepEqual([last.path, last.query.page, last.query.api_key, last.query.language], ['/trending/movie/week', '1', 'test-key', 'en-US'])

  const page2 = await api.get('/api/discover?list=trending&type=movie&page=2')
  assert.deepEqual(page2.body.items.map((i: any) => i.title), ['Face/Off'])
  assert.equal(page2.body.page, 2)
  assert.equal(tmdb.requests.at(-1)!.query.page, '2')
  const past = await api.get('/api/discover?list=trending&type=movie&page=9')
  assert.deepEqual([past.status, past.body.items, past.body.page], [200, [], 9])

  const shows = await api.get('/api/discover?list=trending&type=show')
  assert.deepEqual(shows.body.items.map((i: any) => [i.tmdb_id, i.type, i.title, i.year, i.library_id]), [[1396, 'show', 'Breaking Bad', 2008, null], [70523, 'show', 'Dark', 2017, dark.body.id]])
  assert.equal(tmdb.requests.at(-1)!.path, '/trending/tv/week')

  const popular = await api.get('/api/discover?list=popular&type=movie')
  assert.deepEqual(popular.body.items.map((i: any) => [i.tmdb_id, i.type, i.library_id]), [[754, 'movie', null], [550, 'movie', fightClub.body.id]])
  assert.equal(tmdb.requests.at(-1)!.path, '/movie/popular')
  const popularShows = await api.get('/api/discover?list=popular&type=show')
  assert.deepEqual(popularShows.body.items.map((i: any) => i.title), ['Dark', 'Breaking Bad'])
  last = tmdb.requests.at(-1)!
  assert.equal(last.path, '/tv/popular')
})

test('bad queries are 400; TMDB failures keep their mapping', async (t) => {
  const { api, tmdb } = await setup(t)
  for (const bad of ['/api/discover', '/api/discover?type=movie', '/api/discover?list=trending', '/api/discover?list=top&type=movie',
    '/api/discover?list=trending&type=tv', '/api/discover?list=trending&type=movie&page=0', '/api/discover?list=trending&type=movie&page=501',
    '/api/discover?list=trending&type=movie&page=01', '/api/discover?list=trending&type=movie&extra=1']) {
    const r = await api.get(bad)
    assert.equal(r.status, 400, bad)
    assert.equal(r.body.error.code, 'invalid_input', bad)
  }
  assert.equal(tmdb.requests.length, 0)
  tmdb.failNext(1, { status: 500 })
  const broken = await api.get('/api/discover?list=popular&type=show')
  assert.equal(broken.status, 502)
  assert.match(broken.body.error.message, /TMDB answered HTTP 500 while fetching popular TV shows/)
})

test('without a TMDB key: 503 saying how to set one, as search does', async (t) => {
  const { api, tmdb } = await setup(t, '')
  const r = await api.get('/api/discover?list=trending&type=movie')
  assert.equal(r.status, 503)
  assert.equal(r.body.error.code, 'not_configured')
  assert.match(r.body.error.message, /tmdb\.api_key/)
  assert.match(r.body.error.message, /MOMOSHTREM_TMDB_API_KEY/)
  assert.deepEqual(r.body, (await api.get('/api/search?type=movie&q=x')).body)
  assert.equal(tmdb.requests.length, 0)
})
