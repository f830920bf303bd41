// An assign that fails after the torrent was added for it (422: no file_path for a pack, or a
// file_path that is not in it) keeps nothing: the torrent is not listed, has no metadata
// record, and is not loaded at the next start. A torrent that something else uses stays.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { startApp, tempDir, type TestApp } from '../helpers/app.ts'
import { startSeeder, type Seeder } from '../helpers/seeder.ts'
import { KiB, twoMoviesPackSpec, writeFixture } from '../helpers/fixtures.ts'
import { apiClient } from '../helpers/api-client.ts'

type Api = ReturnType<typeof apiClient>

const OVERRIDES = { torrent: { add_timeout: 10, read_timeout: 5, start_paused: false } }

async function packSeeder (t: TestContext): Promise<Seeder> {
  const fixture = writeFixture(tempDir(t), twoMoviesPackSpec())
  return await startSeeder(t, { path: fixture.root, pieceLength: 16 * KiB })
}

async function addMovie (api: Api, title: string, year: number): Promise<number> {
  const res = await api.post('/api/movies', { title, year })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body.id as number
}

async function listed (api: Api): Promise<string[]> {
  const res = await api.get('/api/torrents')
  assert.equal(res.status, 200)
  return res.body.items.map((x: { info_hash: string }) => x.info_hash)
}

/** Files the engine keeps for `hash` under the metadata folder (<hash>.torrent, <hash>.json). */
function persisted (app: TestApp, hash: string): string[] {
  const dir = join(app.dataDir, 'torrents')
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(hash)) : []
}

test('assign 422 (pack without file_path, unknown file_path) removes the torrent added for it, never one that an assignment or a concurrent assign uses', { timeout: 90_000 }, async (t) => {
  const seeder = await packSeeder(t)
  const first = await startApp(t, OVERRIDES)
  let api = apiClient(first.url)
  const a = await addMovie(api, 'First Movie', 2001)
  const b = await addMovie(api, 'Second Movie', 2002)

  const ambiguous = await api.post(`/api/movies/${a}/assign`, { magnet_uri: seeder.magnet })
  assert.equal(ambiguous.status, 422, JSON.stringify(ambiguous.body))
  assert.deepEqual(await listed(api), [], 'the torrent added for a refused assign is still loaded')
  assert.deepEqual(persisted(first, seeder.infoHash), [], 'the torrent added for a refused assign is still persisted')
  assert.equal(existsSync(join(first.dataDir, 'cache', seeder.infoHash)), false, 'its cache folder is still there')

  const wrong = await api.post(`/api/movies/${a}/assign`, { magnet_uri: seeder.magnet, file_path: 'Nope.mkv' })
  assert.equal(wrong.status, 422, JSON.stringify(wrong.body))
  assert.equal(wrong.body.error.details.files.length, 3, 'the 422 still lists the files to choose from')
  assert.deepEqual(await listed(api), [])
  assert.deepEqual(persisted(first, seeder.infoHash), [])

  await first.close()
  const second = await startApp(t, OVERRIDES, first.dataDir)
  api = apiClient(second.url)
  assert.deepEqual(await listed(api), [], 'a refused assign\'s torrent is loaded at the next start')

  // both wait for the same metadata; the refused one must not remove what the other assigns
  const [bad, good] = await Promise.all([
    api.post(`/api/movies/${a}/assign`, { magnet_uri: seeder.magnet, file_path: 'Nope.mkv' }),
    api.post(`/api/movies/${b}/assign`, { magnet_uri: seeder.magnet, file_path: 'Second.Movie.2002.mp4' })
  ])
  assert.equal(bad.status, 422, JSON.stringify(bad.body))
  assert.equal(good.status, 201, JSON.stringify(good.body))
  assert.deepEqual(await listed(api), [seeder.infoHash], 'a concurrent refused assign removed the torrent another assign uses')
  assert.equal(persisted(second, seeder.infoHash).length, 2)

  // loaded before and assigned: a later 422 leaves it alone
  const refused = await api.post(`/api/movies/${a}/assign`, { magnet_uri: seeder.magnet })
  assert.equal(refused.status, 422)
  assert.deepEqual(await listed(api), [seeder.infoHash], 'a refused assign removed an assigned torrent')
  assert.equal((await api.get(`/api/movies/${b}`)).body.assignment.file_path, 'Two.Movies.Pack/Second.Movie.2002.mp4')

  await second.close()
  const third = await startApp(t, OVERRIDES, first.dataDir)
  assert.deepEqual(await listed(apiClient(third.url)), [seeder.infoHash], 'the assigned torrent is loaded at the next start')
})
