// /api/shows end to end: seasons (season 0 included), episodes, refresh, delete, episodes by hand.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb, type FakeTmdb } from '../helpers/fake-tmdb.ts'
import { apiClient } from '../helpers/api-client.ts'

async function setup (t: TestContext): Promise<{ api: ReturnType<typeof apiClient>, tmdb: FakeTmdb, dataDir: string, url: string }> {
  const tmdb = await startFakeTmdb(t)
  const { url, dataDir } = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey } })
  return { api: apiClient(url), tmdb, dataDir, url }
}

/** Stores an active assignment the way the assignment repository does, through a second connection. */
function assignEpisode (t: TestContext, dataDir: string, episodeId: number): number {
  const db = new Database(join(dataDir, 'momoshtrem.db'))
  t.after(() => { db.close() })
  const hash = 'b'.repeat(40)
  return Number(db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, resolution, created_at)
    VALUES ('episode', ?, ?, ?, 'BB/S01E01.mkv', 0, 1000, '1080p', ?)`).run(episodeId, hash, `magnet:?xt=urn:btih:${hash}`, new Date().toISOString()).lastInsertRowid)
}

test('adding a show stores every season (Specials too) with every episode', async (t) => {
  const { api, tmdb } = await setup(t)
  const r = await api.post('/api/shows', { tmdb_id: 1396 })
  assert.equal(r.status, 201)
  const show = r.body
  assert.deepEqual([show.title, show.year, show.tmdb_id], ['Breaking Bad', 2008, 1396])
  assert.deepEqual(show.seasons.map((s: any) => [s.season_number, s.name, s.episodes.length]), [[0, 'Specials', 2], [1, 'Season 1', 3], [2, 'Season 2', 2]])
  assert.deepEqual([show.season_count, show.episode_count], [3, 7])
  const pilot = show.seasons[1].episodes[0]
  assert.deepEqual([pilot.episode_number, pilot.name, pilot.air_date, pilot.assignment], [1, 'Pilot', '2008-01-20', null])
  assert.equal(show.seasons[0].episodes[1].air_date, null, 'a special without an air date')
  assert.deepEqual(tmdb.requests.map((q) => q.path).sort(), ['/tv/1396', '/tv/1396/season/0', '/tv/1396/season/1', '/tv/1396/season/2'])

  assert.deepEqual((await api.get(`/api/shows/${show.id}`)).body, show)
  const list = await api.get('/api/shows')
  assert.equal(list.body.total, 1)
  assert.deepEqual(Object.keys(list.body.items[0]).sort(), ['backdrop_path', 'created_at', 'episode_count', 'episodes_assigned', 'episodes_missing', 'episodes_total', 'id', 'overview', 'poster_path', 'season_count', 'title', 'tmdb_id', 'year'])
  assert.equal((await api.get('/api/shows?q=bad')).body.total, 1)
  assert.equal((await api.get('/api/shows?q=good')).body.total, 0)

  const dup = await api.post('/api/shows', { tmdb_id: 1396 })
  assert.equal(dup.status, 409)
  assert.equal(dup.body.error.details.id, show.id)
})

test('a failing season fetch stores nothing', async (t) => {
  const { api, tmdb } = await setup(t)
  tmdb.failNext(5, { status: 500, path: /\/season\/2$/ })
  const r = await api.post('/api/shows', { tmdb_id: 1396 })
  assert.equal(r.status, 502)
  assert.match(r.body.error.message, /HTTP 500 while fetching season 2 of TV show 1396/)
  assert.equal((await api.get('/api/shows')).body.total, 0)
  assert.deepEqual((await api.get('/api/status')).body.counts, { movies: 0, shows: 0, seasons: 0, episodes: 0, active_assignments: 0 })
  // TMDB listing a season whose page is gone (404) keeps the show, with that season empty
  tmdb.failNext(1, { status: 404, path: /\/season\/0$/ })
  const ok = await api.post('/api/shows', { tmdb_id: 1396 })
  assert.equal(ok.status, 201)
  assert.deepEqual(ok.body.seasons.map((s: any) => s.episodes.length), [0, 3, 2])
})

test('the episode GET shows its active assignment', async (t) => {
  const { api, dataDir } = await setup(t)
  const show = (await api.post('/api/shows', { tmdb_id: 1396 })).body
  const pilotId = show.seasons[1].episodes[0].id
  const aId = assignEpisode(t, dataDir, pilotId)
  const after = (await api.get(`/api/shows/${show.id}`)).body
  const a = after.seasons[1].episodes[0].assignment
  assert.equal(a.id, aId)
  assert.equal(a.file_path, 'BB/S01E01.mkv')
  assert.equal(a.resolution, '1080p')
  assert.equal(after.seasons[1].episodes[1].assignment, null)
  assert.equal((await api.get('/api/status')).body.counts.active_assignments, 1)
})

test('refresh adds a new episode and season, renames, and keeps ids and assignments', async (t) => {
  const { api, tmdb, dataDir } = await setup(t)
  const show = (await api.post('/api/shows', { tmdb_id: 1396 })).body
  const pilotId = show.seasons[1].episodes[0].id
  const aId = assignEpisode(t, dataDir, pilotId)

  tmdb.addEpisode(1396, 2, { episode_number: 3, name: 'Bit by a Dead Bee', air_date: '2009-03-22' })
  tmdb.addSeason(1396, 3)
  tmdb.addEpisode(1396, 3, { episode_number: 1, name: null, air_date: null })
  tmdb.renameEpisode(1396, 1, 2, "Cat's in the Bag")
  const r = await api.post(`/api/shows/${show.id}/refresh`)
  assert.equal(r.status, 200, JSON.stringify(r.body))
  assert.deepEqual([r.body.added_seasons, r.body.added_episodes, r.body.updated_episodes], [1, 2, 1])
  const after = r.body.show
  assert.deepEqual(after.seasons.map((s: any) => s.season_number), [0, 1, 2, 3])
  for (const [i, season] of show.seasons.entries()) {
    assert.equal(after.seasons[i].id, season.id)
    for (const [j, ep] of season.episodes.entries()) assert.equal(after.seasons[i].episodes[j].id, ep.id)
  }
  assert.equal(after.seasons[1].episodes[0].assignment.id, aId, 'the assignment survived')
  assert.equal(after.seasons[1].episodes[1].name, "Cat's in the Bag")
  assert.equal(after.seasons[2].episodes[2].name, 'Bit by a Dead Bee')
  assert.equal(after.seasons[3].episodes[0].name, null)
  assert.equal(after.episode_count, 9)

  const again = await api.post(`/api/shows/${show.id}/refresh`)
  assert.deepEqual([again.body.added_seasons, again.body.added_episodes, again.body.updated_episodes], [0, 0, 0])
})

test('refresh: manual show is 422, unknown show 404, TMDB failure leaves the show as it was', async (t) => {
  const { api, tmdb } = await setup(t)
  const manual = await api.post('/api/shows', { title: 'Home Videos', year: 2001 })
  assert.equal(manual.status, 201)
  assert.deepEqual(manual.body.seasons, [])
  const r = await api.post(`/api/shows/${manual.body.id}/refresh`)
  assert.equal(r.status, 422)
  assert.equal(r.body.error.code, 'unprocessable')
  assert.match(r.body.error.message, /added manually without a tmdb_id/)
  assert.equal((await api.post('/api/shows/999/refresh')).status, 404)

  const show = (await api.post('/api/shows', { tmdb_id: 1396 })).body
  tmdb.addEpisode(1396, 1, { episode_number: 4, name: 'Cancer Man' })
  tmdb.failNext(10, { status: 500 })
  const failed = await api.post(`/api/shows/${show.id}/refresh`)
  assert.equal(failed.status, 502)
  assert.equal((await api.get(`/api/shows/${show.id}`)).body.episode_count, 7)
})

test('deleting a show removes its seasons and episodes and deactivates their assignments', async (t) => {
  const { api, dataDir } = await setup(t)
  const show = (await api.post('/api/shows', { tmdb_id: 1396 })).body
  assignEpisode(t, dataDir, show.seasons[1].episodes[0].id)
  assert.equal((await api.del(`/api/shows/${show.id}`)).status, 204)
  assert.equal((await api.get(`/api/shows/${show.id}`)).status, 404)
  assert.equal((await api.del(`/api/shows/${show.id}`)).status, 404)
  const counts = (await api.get('/api/status')).body.counts
  assert.deepEqual(counts, { movies: 0, shows: 0, seasons: 0, episodes: 0, active_assignments: 0 })
  // the same show can be added again afterwards
  assert.equal((await api.post('/api/shows', { tmdb_id: 1396 })).status, 201)
})

test('episodes by hand: a manual show gets seasons and episodes, shows them in the tree, rejects bad and duplicate ones', async (t) => {
  const { api, url } = await setup(t)
  const show = (await api.post('/api/shows', { title: 'Home Movies', year: 1999 })).body
  assert.deepEqual(show.seasons, [], 'a manual show starts empty')
  const pilot = await api.post(`/api/shows/${show.id}/episodes`, { season_number: 1, episode_number: 1, name: '  Get Away From My Mom  ', air_date: '1999-04-26' })
  assert.equal(pilot.status, 201, JSON.stringify(pilot.body))
  assert.equal(pilot.body.show_id, show.id)
  assert.equal(pilot.body.season_number, 1)
  assert.equal(pilot.body.episode_number, 1)
  assert.equal(pilot.body.name, 'Get Away From My Mom', 'the name is trimmed')
  assert.equal((await api.post(`/api/shows/${show.id}/episodes`, { season_number: 1, episode_number: 2 })).status, 201)
  assert.equal((await api.post(`/api/shows/${show.id}/episodes`, { season_number: 0, episode_number: 1, name: '' })).status, 201)
  const detail = (await api.get(`/api/shows/${show.id}`)).body
  assert.deepEqual(detail.seasons.map((s: any) => [s.season_number, s.episodes.map((e: any) => e.episode_number)]), [[0, [1]], [1, [1, 2]]])
  assert.equal(detail.seasons[0].episodes[0].name, null, 'an empty name is no name')
  assert.equal(detail.episode_count, 3)
  // the tree has the show's season folders at once (empty until something is assigned)
  const listing = await fetch(`${url}/dav/TV%20Shows/Home%20Movies%20(1999)/`, { method: 'PROPFIND', headers: { Depth: '1' }, signal: AbortSignal.timeout(10_000) })
  assert.equal(listing.status, 207)
  const xml = await listing.text()
  assert.ok(xml.includes('Season%2000/') && xml.includes('Season%2001/'), xml)

  const dup = await api.post(`/api/shows/${show.id}/episodes`, { season_number: 1, episode_number: 1 })
  assert.equal(dup.status, 409)
  assert.equal(dup.body.error.code, 'conflict')
  assert.ok(dup.body.error.message.includes('S01E01'), dup.body.error.message)
  assert.equal(dup.body.error.details.id, pilot.body.id, 'the conflict names the stored episode')
  for (const bad of [{ season_number: -1, episode_number: 1 }, { season_number: 1 }, { season_number: 1, episode_number: 3, air_date: '1999-02-30' },
    { season_number: 1, episode_number: 3, air_date: 'soon' }, { season_number: 1, episode_number: 3, extra: true }]) {
    const r = await api.post(`/api/shows/${show.id}/episodes`, bad)
    assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${JSON.stringify(r.body)}`)
    assert.equal(r.body.error.code, 'invalid_input')
  }
  assert.equal((await api.post('/api/shows/9999/episodes', { season_number: 1, episode_number: 1 })).status, 404)
  assert.equal((await api.get(`/api/shows/${show.id}`)).body.episode_count, 3, 'nothing stored by the failures')

  // rename, set and clear the air date; what is left out stays
  const renamed = await api.patch(`/api/episodes/${pilot.body.id}`, { name: ' Pilot ' })
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body))
  assert.equal(renamed.body.name, 'Pilot')
  assert.equal(renamed.body.air_date, '1999-04-26', 'the date was left out: kept')
  assert.equal((await api.patch(`/api/episodes/${pilot.body.id}`, { air_date: null })).body.air_date, null)
  assert.equal((await api.patch(`/api/episodes/${pilot.body.id}`, {})).status, 400, 'nothing to change')
  assert.equal((await api.patch(`/api/episodes/${pilot.body.id}`, { air_date: '1999-13-01' })).status, 400)
  assert.equal((await api.patch('/api/episodes/9999', { name: 'x' })).status, 404)
  assert.equal((await api.get(`/api/shows/${show.id}`)).body.seasons[1].episodes[0].name, 'Pilot')

  // delete one: gone from the show, a second delete is 404
  assert.equal((await api.del(`/api/episodes/${pilot.body.id}`)).status, 204)
  assert.equal((await api.del(`/api/episodes/${pilot.body.id}`)).status, 404)
  const after = (await api.get(`/api/shows/${show.id}`)).body
  assert.deepEqual(after.seasons.map((s: any) => [s.season_number, s.episodes.map((e: any) => e.episode_number)]), [[0, [1]], [1, [2]]])
})

test('an episode added by hand to a TMDB show survives a refresh; deleting an episode deactivates its assignment', async (t) => {
  const { api, dataDir } = await setup(t)
  const show = (await api.post('/api/shows', { tmdb_id: 1396 })).body
  const extra = await api.post(`/api/shows/${show.id}/episodes`, { season_number: 1, episode_number: 99, name: 'Extra' })
  assert.equal(extra.status, 201)
  assert.equal((await api.post(`/api/shows/${show.id}/refresh`)).status, 200)
  const after = (await api.get(`/api/shows/${show.id}`)).body
  assert.ok(after.seasons[1].episodes.some((e: any) => e.id === extra.body.id && e.name === 'Extra'), 'kept, with its id')
  const pilotId = after.seasons[1].episodes[0].id
  assignEpisode(t, dataDir, pilotId)
  assert.equal((await api.get('/api/status')).body.counts.active_assignments, 1)
  assert.equal((await api.del(`/api/episodes/${pilotId}`)).status, 204)
  assert.equal((await api.get('/api/status')).body.counts.active_assignments, 0)
})
