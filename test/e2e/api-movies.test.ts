// /api/movies end to end: the real app on port 0 against the fake TMDB server.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb, type FakeTmdb } from '../helpers/fake-tmdb.ts'
import { apiClient } from '../helpers/api-client.ts'

async function setup (t: TestContext): Promise<{ api: ReturnType<typeof apiClient>, tmdb: FakeTmdb }> {
  const tmdb = await startFakeTmdb(t)
  const { url } = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey } })
  return { api: apiClient(url), tmdb }
}

test('add by tmdb_id, get, list, delete', async (t) => {
  const { api, tmdb } = await setup(t)
  const added = await api.post('/api/movies', { tmdb_id: 550 })
  assert.equal(added.status, 201)
  assert.equal(added.body.title, 'Fight Club')
  assert.equal(added.body.year, 1999)
  assert.equal(added.body.tmdb_id, 550)
  assert.equal(added.body.poster_path, '/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg')
  assert.equal(added.body.assignment, null)
  assert.ok(!Number.isNaN(Date.parse(added.body.created_at)))
  assert.equal(tmdb.requests.at(-1)?.path, '/movie/550')
  assert.equal(tmdb.requests.at(-1)?.query.language, 'en-US')

  const got = await api.get(`/api/movies/${added.body.id}`)
  assert.equal(got.status, 200)
  assert.deepEqual(got.body, added.body)

  const list = await api.get('/api/movies')
  assert.deepEqual(list.body, { items: [added.body], total: 1, limit: 50, offset: 0 })

  const del = await api.del(`/api/movies/${added.body.id}`)
  assert.equal(del.status, 204)
  assert.equal((await api.get(`/api/movies/${added.body.id}`)).status, 404)
  const again = await api.del(`/api/movies/${added.body.id}`)
  assert.equal(again.status, 404)
  assert.equal(again.body.error.code, 'not_found')
})

test('the same tmdb_id twice is 409 and stores nothing, even when the adds race', async (t) => {
  const { api } = await setup(t)
  const first = await api.post('/api/movies', { tmdb_id: 754 })
  const second = await api.post('/api/movies', { tmdb_id: 754 })
  assert.equal(second.status, 409)
  assert.equal(second.body.error.code, 'conflict')
  assert.match(second.body.error.message, /tmdb_id 754 is already in the library/)
  assert.equal(second.body.error.details.id, first.body.id)
  const race = await Promise.all([1, 2, 3].map(async () => await api.post('/api/movies', { tmdb_id: 550 })))
  assert.deepEqual(race.map((r) => r.status).sort(), [201, 409, 409])
  assert.equal((await api.get('/api/movies')).body.total, 2)
})

test('titles with ":" and "/" and a movie with release_date "" are stored as TMDB has them', async (t) => {
  const { api } = await setup(t)
  const mi = await api.post('/api/movies', { tmdb_id: 575264 })
  assert.equal(mi.body.title, 'Mission: Impossible - Dead Reckoning Part One')
  assert.equal(mi.body.year, 2023)
  const faceOff = await api.post('/api/movies', { tmdb_id: 754 })
  assert.equal(faceOff.body.title, 'Face/Off')
  const undated = await api.post('/api/movies', { tmdb_id: 990001 })
  assert.equal(undated.status, 201)
  assert.equal(undated.body.year, null)
  assert.equal(undated.body.overview, null)
})

test('manual add by title and year; list paging and ?q', async (t) => {
  const { api, tmdb } = await setup(t)
  const titles = ['Alien', 'Aliens', 'Heat', 'Amélie', '100% Wolf']
  for (const [i, title] of titles.entries()) {
    const r = await api.post('/api/movies', i === 0 ? { title } : { title, year: 1980 + i })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    assert.equal(r.body.tmdb_id, null)
  }
  assert.equal(tmdb.requests.length, 0, 'manual adds never call TMDB')
  const page1 = await api.get('/api/movies?limit=2')
  assert.deepEqual(page1.body.items.map((m: any) => m.title), ['100% Wolf', 'Alien'])
  assert.equal(page1.body.total, 5)
  const page2 = await api.get('/api/movies?limit=2&offset=2')
  assert.deepEqual(page2.body.items.map((m: any) => m.title), ['Aliens', 'Amélie'])
  assert.deepEqual([page2.body.limit, page2.body.offset], [2, 2])
  assert.equal((await api.get('/api/movies?offset=10')).body.items.length, 0)
  const q = await api.get('/api/movies?q=ALIEN')
  assert.deepEqual(q.body.items.map((m: any) => m.title), ['Alien', 'Aliens'])
  assert.equal(q.body.total, 2)
  assert.deepEqual((await api.get('/api/movies?q=%25')).body.items.map((m: any) => m.title), ['100% Wolf'])
  assert.equal((await api.get('/api/movies?q=' + encodeURIComponent('Amélie'))).body.total, 1)
  assert.equal((await api.get('/api/movies?q=zzz')).body.total, 0)
})

test('bad bodies, bad ids and bad paging are 400 with a readable message', async (t) => {
  const { api } = await setup(t)
  const cases: Array<[unknown, RegExp]> = [
    [{}, /exactly one of "tmdb_id".*or "title"/],
    [{ tmdb_id: 550, title: 'Fight Club' }, /exactly one/],
    [{ tmdb_id: '550' }, /body\/tmdb_id must be integer/],
    [{ tmdb_id: -1 }, /body\/tmdb_id must be >= 1/],
    [{ tmdb_id: 1.5 }, /body\/tmdb_id must be integer/],
    [{ title: '' }, /title: must not be empty/],
    [{ title: 'x', year: 'nineteen' }, /body\/year/],
    [{ title: 'x', year: 1700 }, /body\/year must be >= 1800/],
    [{ tmdb_id: 550, year: 1999 }, /"year" goes with "title"/],
    [{ title: 'x', rating: 5 }, /unknown field "rating"/],
    [[550], /body must be object/],
    ['{"tmdb_id": 550', /JSON/]
  ]
  for (const [body, message] of cases) {
    const r = await api.post('/api/movies', body)
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${JSON.stringify(r.body)}`)
    assert.equal(r.body.error.code, 'invalid_input')
    assert.match(r.body.error.message, message)
  }
  const noBody = await api.call('POST', '/api/movies')
  assert.equal(noBody.status, 400)
  for (const path of ['/api/movies/abc', '/api/movies/-1', '/api/movies/0', '/api/movies/1.5', '/api/movies/1e3', '/api/movies/%20', '/api/movies?limit=', '/api/movies?limit=0', '/api/movies?limit=abc', '/api/movies?limit=501', '/api/movies?offset=-1']) {
    const r = await api.get(path)
    assert.equal(r.status, 400, path)
    assert.equal(r.body.error.code, 'invalid_input')
  }
  assert.equal((await api.del('/api/movies/abc')).status, 400)
  assert.equal((await api.get('/api/movies/99999')).status, 404)
  assert.equal((await api.get('/api/movies')).body.total, 0, 'nothing was stored')
})
