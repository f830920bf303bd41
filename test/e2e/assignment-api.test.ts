// Every error path of the assignment and torrent APIs, with a real seeder on loopback.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { startApp, tempDir } from '../helpers/app.ts'
import { startSeeder, type Seeder } from '../helpers/seeder.ts'
import { KiB, twoMoviesPackSpec, writeFixture } from '../helpers/fixtures.ts'
import { dav } from '../helpers/dav.ts'
import { folderBytes } from '../helpers/engine.ts'
import { waitFor } from '../helpers/wait.ts'
import { apiClient } from '../helpers/api-client.ts'

async function setup (t: import('node:test').TestContext): Promise<{ api: ReturnType<typeof apiClient>, url: string, seeder: Seeder, dataDir: string }> {
  const fixture = writeFixture(tempDir(t), twoMoviesPackSpec())
  const seeder = await startSeeder(t, { path: fixture.root, pieceLength: 16 * KiB })
  const app = await startApp(t, { torrent: { add_timeout: 1.5, read_timeout: 5, start_paused: false } })
  return { api: apiClient(app.url), url: app.url, seeder, dataDir: app.dataDir }
}

async function addMovie (api: ReturnType<typeof apiClient>, title: string, year: number): Promise<number> {
  const res = await api.post('/api/movies', { title, year })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body.id as number
}

test('assign: validation, unknown items, wrong files, candidates, metadata timeout', { timeout: 90_000 }, async (t) => {
  const { api, seeder, url } = await setup(t)
  const id = await addMovie(api, 'First Movie', 2001)

  const bad = [
    [{ magnet_uri: 'http://example.org/x.torrent' }, /magnet link/],
    [{ magnet_uri: 'magnet:?dn=nohash' }, /xt=urn:btih/],
    [{ magnet_uri: 'magnet:?xt=urn:btih:zz' }, /not an info hash/],
    [{}, /magnet_uri/],
    [{ magnet_uri: seeder.magnet, extra: 1 }, /extra|additional/i],
    [{ magnet_uri: seeder.magnet, file_path: 7 }, /file_path/]
  ] as const
  for (const [body, re] of bad) {
    const res = await api.post(`/api/movies/${id}/assign`, body)
    assert.equal(res.status, 400, JSON.stringify(body))
    assert.equal(typeof res.body.error.code, 'string')
    assert.match(res.body.error.message, re)
  }
  assert.equal((await api.post('/api/movies/abc/assign', { magnet_uri: seeder.magnet })).status, 400)
  const missing = await api.post('/api/movies/999/assign', { magnet_uri: seeder.magnet })
  assert.equal(missing.status, 404)
  assert.equal(missing.body.error.code, 'not_found')
  assert.equal((await api.post('/api/episodes/999/assign', { magnet_uri: seeder.magnet })).status, 404)

  // two videos and no file_path: 422 with the candidates (the text file is not one)
  const ambiguous = await api.post(`/api/movies/${id}/assign`, { magnet_uri: seeder.magnet })
  assert.equal(ambiguous.status, 422)
  assert.deepEqual(ambiguous.body.error.details.candidates.map((f: { path: string }) => f.path).sort(),
    ['Two.Movies.Pack/First.Movie.2001.mkv', 'Two.Movies.Pack/Second.Movie.2002.mp4'])
  // a file that is not in the torrent: 422 listing every file
  const wrong = await api.post(`/api/movies/${id}/assign`, { magnet_uri: seeder.magnet, file_path: 'Nope.mkv' })
  assert.equal(wrong.status, 422)
  assert.equal(wrong.body.error.details.files.length, 3)
  assert.equal((await api.get(`/api/movies/${id}`)).body.assignment, null, 'nothing stored after a 422')

  // the path may be given without the torrent's folder
  const ok = await api.post(`/api/movies/${id}/assign`, { magnet_uri: seeder.magnet, file_path: 'Second.Movie.2002.mp4', resolution: '720p', source: '' })
  assert.equal(ok.status, 201)
  assert.equal(ok.body.file_path, 'Two.Movies.Pack/Second.Movie.2002.mp4')
  assert.equal(ok.body.file_size, 70 * KiB + 5)
  assert.equal(ok.body.resolution, '720p')
  assert.equal(ok.body.source, null)

  // a magnet nobody seeds: 504 after add_timeout, and the previous assignment is untouched
  const unknown = randomBytes(20).toString('hex')
  const started = performance.now()
  const timeout = await api.post(`/api/movies/${id}/assign`, { magnet_uri: `magnet:?xt=urn:btih:${unknown}` })
  assert.equal(timeout.status, 504, JSON.stringify(timeout.body))
  assert.equal(timeout.body.error.code, 'add_timeout')
  assert.ok(performance.now() - started < 10_000)
  assert.equal((await api.get(`/api/movies/${id}`)).body.assignment.id, ok.body.id)
  assert.equal((await api.get(`/api/torrents/${unknown}`)).status, 404, 'the timed-out torrent is not kept')

  // reassigning replaces the file in the tree at once
  const re = await api.post(`/api/movies/${id}/assign`, { magnet_uri: seeder.infoHash, file_path: 'Two.Movies.Pack/First.Movie.2001.mkv' })
  assert.equal(re.status, 201, 'a bare info hash works once the torrent is known')
  const listing = await dav(`${url}/dav/Movies/First%20Movie%20(2001)/`, 'PROPFIND', { Depth: '1' })
  assert.ok(listing.text.includes('First%20Movie%20%282001%29.mkv'))
  assert.ok(!listing.text.includes('.mp4'))
})

test('unassign and torrent management: 404s, 409 while assigned, force, removal frees disk', { timeout: 90_000 }, async (t) => {
  const { api, seeder, dataDir, url } = await setup(t)
  const a = await addMovie(api, 'First Movie', 2001)
  const b = await addMovie(api, 'Second Movie', 2002)
  assert.equal((await api.del(`/api/movies/${a}/assign`)).status, 404, 'nothing to unassign')
  assert.equal((await api.post(`/api/movies/${a}/assign`, { magnet_uri: seeder.magnet, file_path: 'First.Movie.2001.mkv' })).status, 201)
  assert.equal((await api.post(`/api/movies/${b}/assign`, { magnet_uri: seeder.magnet, file_path: 'Second.Movie.2002.mp4' })).status, 201)

  // read a little so the cache holds something
  const file = await fetch(`${url}/dav/Movies/First%20Movie%20(2001)/First%20Movie%20(2001).mkv`, { signal: AbortSignal.timeout(20_000) })
  assert.equal(Buffer.from(await file.arrayBuffer()).length, 90 * KiB + 1)

  const list = await api.get('/api/torrents')
  assert.equal(list.status, 200)
  const listed = list.body.items.find((x: { info_hash: string }) => x.info_hash === seeder.infoHash)
  assert.equal(listed.assignments, 2)
  const detail = await api.get(`/api/torrents/${seeder.infoHash.toUpperCase()}`)
  assert.equal(detail.status, 200)
  assert.equal(detail.body.piece_length, 16 * KiB)
  assert.equal(detail.body.files.length, 3)
  assert.equal(detail.body.used_by.length, 2)
  // pieces reach the disk cache just after they are served (writes are asynchronous)
  await waitFor(async () => (await api.get(`/api/torrents/${seeder.infoHash}`)).body.cache_bytes > 0, 10_000, 'cached pieces counted')
  assert.equal((await api.get(`/api/torrents/${seeder.infoHash}/files`)).body.items.length, 3)
  assert.equal((await api.get('/api/torrents/xyz')).status, 400)
  assert.equal((await api.get(`/api/torrents/${'0'.repeat(40)}`)).status, 404)
  assert.equal((await api.del(`/api/torrents/${'0'.repeat(40)}`)).status, 404)

  // 409 while assigned
  const refused = await api.del(`/api/torrents/${seeder.infoHash}`)
  assert.equal(refused.status, 409)
  assert.equal(refused.body.error.details.assignments.length, 2)

  // unassign one with remove_torrent: kept, the other still uses it
  const un = await api.del(`/api/movies/${a}/assign?remove_torrent=true`)
  assert.equal(un.status, 200)
  assert.equal(un.body.torrent_removed, false)
  assert.equal(un.body.assignment.is_active, false)
  assert.equal((await api.get(`/api/movies/${a}`)).body.assignment, null)

  // force removes it, deactivates the remaining assignment and frees the disk
  const cacheBefore = await waitFor(() => folderBytes(`${dataDir}/cache`), 10_000, 'cache files on disk')
  const forced = await api.del(`/api/torrents/${seeder.infoHash}?force=true`)
  assert.equal(forced.status, 200)
  assert.equal(forced.body.deactivated_assignments, 1)
  assert.equal((await api.get(`/api/torrents/${seeder.infoHash}`)).status, 404)
  assert.equal((await api.get(`/api/movies/${b}`)).body.assignment, null)
  assert.ok(folderBytes(`${dataDir}/cache`) < cacheBefore, 'cached pieces deleted')

  // unassign with remove_torrent when nothing else uses it removes the torrent
  assert.equal((await api.post(`/api/movies/${b}/assign`, { magnet_uri: seeder.magnet, file_path: 'Second.Movie.2002.mp4' })).status, 201)
  const last = await api.del(`/api/movies/${b}/assign?remove_torrent=true`)
  assert.equal(last.body.torrent_removed, true)
  assert.equal((await api.get(`/api/torrents/${seeder.infoHash}`)).status, 404)
  assert.equal((await api.del('/api/movies/abc/assign')).status, 400)
})
