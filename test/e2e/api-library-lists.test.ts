// GET /api/movies and /api/shows with sort, order and state, end to end: the real app, the fake
// TMDB for shows with real air dates, and a real seeder on loopback for the assignments that
// make items playable.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp, tempDir } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { fixtureBytes, KiB } from '../helpers/fixtures.ts'
import { writeTorrentFolder } from '../helpers/streaming.ts'
import { apiClient } from '../helpers/api-client.ts'

const titles = (body: any): string[] => body.items.map((i: any) => i.title)

test('movie and show lists sort, order and filter by state; items carry what a poster grid needs', { timeout: 120_000 }, async (t) => {
  const files = ['Heat.1995.mkv', 'Breaking.Bad.S01E01.mkv', 'Breaking.Bad.S00E01.Special.mkv']
  const root = writeTorrentFolder(tempDir(t), 'Lib.Pack', files.map((path) => ({ path, bytes: fixtureBytes('lists', path, 40 * KiB, 0, 40 * KiB) })))
  const seeder = await startSeeder(t, { path: root, pieceLength: 16 * KiB })
  const tmdb = await startFakeTmdb(t)
  const app = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey }, torrent: { add_timeout: 20 } })
  const api = apiClient(app.url)

  // movies, added in this order
  const ids: Record<string, number> = {}
  for (const [title, year] of [['Zodiac', 2007], ['Heat', 1995], ['Undated', null], ['Alien', 1979]] as const) {
    const r = await api.post('/api/movies', year === null ? { title } : { title, year })
    assert.equal(r.status, 201)
    ids[title] = r.body.id
  }
  const assigned = await api.post(`/api/movies/${ids.Heat}/assign`, { magnet_uri: seeder.magnet, file_path: 'Lib.Pack/Heat.1995.mkv' })
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body))

  const all = await api.get('/api/movies')
  assert.deepEqual(titles(all.body), ['Alien', 'Heat', 'Undated', 'Zodiac'], 'the default order is unchanged: by title')
  const heat = all.body.items[1]
  assert.deepEqual([heat.id, heat.title, heat.year, heat.assigned, heat.assignment.file_path, heat.poster_path, heat.backdrop_path], [ids.Heat, 'Heat', 1995, true, 'Lib.Pack/Heat.1995.mkv', null, null])
  assert.equal(all.body.items[0].assigned, false)
  assert.deepEqual(titles((await api.get('/api/movies?sort=title&order=desc')).body), ['Zodiac', 'Undated', 'Heat', 'Alien'])
  assert.deepEqual(titles((await api.get('/api/movies?sort=year')).body), ['Alien', 'Heat', 'Zodiac', 'Undated'], 'undated last')
  assert.deepEqual(titles((await api.get('/api/movies?sort=year&order=desc')).body), ['Zodiac', 'Heat', 'Alien', 'Undated'], 'undated last either way')
  assert.deepEqual(titles((await api.get('/api/movies?sort=added')).body), ['Zodiac', 'Heat', 'Undated', 'Alien'])
  assert.deepEqual(titles((await api.get('/api/movies?sort=added&order=desc')).body), ['Alien', 'Undated', 'Heat', 'Zodiac'])

  const playable = await api.get('/api/movies?state=playable')
  assert.deepEqual([titles(playable.body), playable.body.total], [['Heat'], 1])
  const unassigned = await api.get('/api/movies?state=unassigned&sort=year&order=desc')
  assert.deepEqual([titles(unassigned.body), unassigned.body.total], [['Zodiac', 'Alien', 'Undated'], 3])
  assert.deepEqual(titles((await api.get('/api/movies?state=missing')).body), ['Alien', 'Undated', 'Zodiac'], 'for movies, missing = unassigned')
  const paged = await api.get('/api/movies?state=unassigned&limit=1&offset=1')
  assert.deepEqual([titles(paged.body), paged.body.total, paged.body.limit, paged.body.offset], [['Undated'], 3, 1, 1])
  assert.deepEqual(titles((await api.get('/api/movies?state=unassigned&q=D')).body), ['Undated', 'Zodiac'])
  assert.equal((await api.get('/api/movies?state=playable&q=zz')).body.total, 0)

  // shows: Breaking Bad (7 episodes, 5 regular ones aired), Dark (9, all aired), one announced
  // for the far future, one with no episode at all
  const bb = (await api.post('/api/shows', { tmdb_id: 1396 })).body
  assert.equal((await api.post('/api/shows', { tmdb_id: 70523 })).status, 201)
  const future = (await api.post('/api/shows', { title: 'Future Show', year: 2999 })).body
  assert.equal((await api.post(`/api/shows/${future.id}/episodes`, { season_number: 1, episode_number: 1, air_date: '2999-01-01' })).status, 201)
  await api.post('/api/shows', { title: 'Empty Show' })
  const episode = (s: number, e: number): number => bb.seasons.find((x: any) => x.season_number === s).episodes.find((x: any) => x.episode_number === e).id
  for (const [s, e, path] of [[1, 1, 'Breaking.Bad.S01E01.mkv'], [0, 1, 'Breaking.Bad.S00E01.Special.mkv']] as const) {
    const r = await api.post(`/api/episodes/${episode(s, e)}/assign`, { magnet_uri: seeder.magnet, file_path: `Lib.Pack/${path}` })
    assert.equal(r.status, 201, JSON.stringify(r.body))
  }

  const shows = await api.get('/api/shows')
  assert.deepEqual(titles(shows.body), ['Breaking Bad', 'Dark', 'Empty Show', 'Future Show'])
  const counts = (body: any): unknown[] => body.items.map((i: any) => [i.title, i.episodes_total, i.episodes_assigned, i.episodes_missing, i.episode_count])
  assert.deepEqual(counts(shows.body), [
    ['Breaking Bad', 7, 2, 4, 7],
    ['Dark', 9, 0, 9, 9],
    ['Empty Show', 0, 0, 0, 0],
    ['Future Show', 1, 0, 0, 1]
  ])
  assert.equal(shows.body.items[0].backdrop_path, '/tsRy63Mu5cu8etL1X7ZLyf7UP1M.jpg')
  const detail = (await api.get(`/api/shows/${bb.id}`)).body
  assert.deepEqual([detail.episodes_total, detail.episodes_assigned, detail.episodes_missing], [7, 2, 4], 'the show itself carries the counts too')

  assert.deepEqual(titles((await api.get('/api/shows?state=playable')).body), ['Breaking Bad'])
  assert.deepEqual(titles((await api.get('/api/shows?state=unassigned')).body), ['Dark', 'Empty Show', 'Future Show'])
  const missing = await api.get('/api/shows?state=missing&sort=year&order=desc')
  assert.deepEqual([titles(missing.body), missing.body.total], [['Dark', 'Breaking Bad'], 2])
  assert.deepEqual(titles((await api.get('/api/shows?sort=year')).body), ['Breaking Bad', 'Dark', 'Future Show', 'Empty Show'])
  assert.deepEqual(titles((await api.get('/api/shows?sort=added&order=desc')).body), ['Empty Show', 'Future Show', 'Dark', 'Breaking Bad'])

  // an unassign puts Breaking Bad's pilot back among the missing
  assert.equal((await api.del(`/api/episodes/${episode(1, 1)}/assign`)).status, 200)
  assert.deepEqual(counts((await api.get('/api/shows?state=missing')).body)[0], ['Breaking Bad', 7, 1, 5, 7])
  assert.deepEqual(titles((await api.get('/api/shows?state=playable')).body), ['Breaking Bad'], 'the special still plays')

  for (const bad of ['sort=rating', 'sort=', 'order=up', 'order=ASC', 'state=watched', 'state=playable&state=missing']) {
    for (const collection of ['movies', 'shows']) {
      const r = await api.get(`/api/${collection}?${bad}`)
      assert.equal(r.status, 400, `${collection}?${bad}`)
      assert.equal(r.body.error.code, 'invalid_input')
    }
  }
})
