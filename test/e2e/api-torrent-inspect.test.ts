// POST /api/torrents (a file picker's listing) end to end: a real seeder on loopback, the real
// app. Files come with their kind; a torrent loaded only to be looked at goes again after
// torrent.inspect_timeout unless assigned, across a restart too.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startApp, tempDir } from '../helpers/app.ts'
import { startSeeder, type Seeder } from '../helpers/seeder.ts'
import { fixtureBytes, KiB } from '../helpers/fixtures.ts'
import { writeTorrentFolder } from '../helpers/streaming.ts'
import { apiClient } from '../helpers/api-client.ts'
import { waitFor } from '../helpers/wait.ts'
import type { TestContext } from 'node:test'

const FILES: Array<[string, number, string]> = [
  ['Movie.2001.1080p.mkv', 256 * KiB, 'video'],
  ['Movie.2001.en.srt', 2 * KiB, 'subtitle'],
  ['Movie.2001.nfo', 300, 'other'],
  ['Sample/Movie.2001.sample.mkv', 8 * KiB, 'sample'],
  ['Extras/Movie.2001.Trailer.mkv', 9 * KiB, 'sample']
]

async function seed (t: TestContext): Promise<Seeder> {
  const root = writeTorrentFolder(tempDir(t), 'Movie.2001.Pack', FILES.map(([path, size]) => ({ path, bytes: fixtureBytes('inspect', path, size, 0, size) })))
  return await startSeeder(t, { path: root, pieceLength: 16 * KiB })
}

const inspected = (dataDir: string): Record<string, number> => {
  try { return JSON.parse(readFileSync(join(dataDir, 'torrents', 'inspected.json'), 'utf8')) } catch { return {} }
}

test('a magnet\'s files with their kinds; the torrent goes again after inspect_timeout when nothing was assigned', { timeout: 120_000 }, async (t) => {
  const seeder = await seed(t)
  const app = await startApp(t, { torrent: { add_timeout: 20, inspect_timeout: 1 } })
  const api = apiClient(app.url)

  const r = await api.post('/api/torrents', { magnet_uri: seeder.magnet })
  assert.equal(r.status, 200, JSON.stringify(r.body))
  assert.deepEqual(Object.keys(r.body).sort(), ['files', 'info_hash', 'length', 'name', 'piece_count', 'piece_length'])
  assert.deepEqual([r.body.info_hash, r.body.name, r.body.length, r.body.piece_length, r.body.piece_count],
    [seeder.infoHash, 'Movie.2001.Pack', seeder.length, 16 * KiB, seeder.pieceCount])
  const kinds = Object.fromEntries(r.body.files.map((f: any) => [f.path, [f.size, f.kind]]))
  assert.deepEqual(kinds, Object.fromEntries(FILES.map(([path, size, kind]) => [`Movie.2001.Pack/${path}`, [size, kind]])))
  assert.deepEqual(r.body.files.map((f: any) => f.index), r.body.files.map((_: unknown, i: number) => i))

  // the torrent's file listing says the same
  const files = await api.get(`/api/torrents/${seeder.infoHash}/files`)
  assert.deepEqual(files.body.items, r.body.files)
  assert.deepEqual((await api.get(`/api/torrents/${seeder.infoHash}`)).body.files, r.body.files)

  // nothing assigned: after a second it is removed, its metadata with it
  await waitFor(async () => (await api.get(`/api/torrents/${seeder.infoHash}`)).status === 404, 15_000, 'the inspected torrent removed')
  // the removal answers 404 at once; the files go right after
  await waitFor(() => !existsSync(join(app.dataDir, 'torrents', `${seeder.infoHash}.torrent`)), 5000, 'its metadata file removed')
  await waitFor(() => !(seeder.infoHash in inspected(app.dataDir)), 5000, 'its deadline dropped')

  // a release id in place of the magnet is resolved like an assign's; an unknown one is 404
  const unknown = await api.post('/api/torrents', { release_id: 'nope' })
  assert.equal(unknown.status, 404, JSON.stringify(unknown.body))
})

test('an inspected torrent assigned in time stays; one loaded by an assign is never scheduled', { timeout: 120_000 }, async (t) => {
  const seeder = await seed(t)
  const app = await startApp(t, { torrent: { add_timeout: 20, inspect_timeout: 3 } })
  const api = apiClient(app.url)
  assert.equal((await api.post('/api/torrents', { magnet_uri: seeder.magnet })).status, 200)
  assert.ok(seeder.infoHash in inspected(app.dataDir) || await waitFor(() => seeder.infoHash in inspected(app.dataDir), 5000, 'the deadline saved'))
  const movie = await api.post('/api/movies', { title: 'Movie', year: 2001 })
  const a = await api.post(`/api/movies/${movie.body.id}/assign`, { magnet_uri: seeder.magnet, file_path: 'Movie.2001.Pack/Movie.2001.1080p.mkv' })
  assert.equal(a.status, 201, JSON.stringify(a.body))
  // the deadline passes; the torrent is in use, so it stays
  await waitFor(() => !(seeder.infoHash in inspected(app.dataDir)), 15_000, 'the deadline passed')
  const detail = await api.get(`/api/torrents/${seeder.infoHash}`)
  assert.equal(detail.status, 200)
  assert.equal(detail.body.assignments, 1)

  // inspecting a torrent that was loaded already (here: assigned) sets no deadline
  assert.equal((await api.post('/api/torrents', { magnet_uri: seeder.infoHash })).status, 200)
  assert.equal(seeder.infoHash in inspected(app.dataDir), false)
})

test('a deadline that passed while the server was down removes the torrent at start-up', { timeout: 120_000 }, async (t) => {
  const seeder = await seed(t)
  const app = await startApp(t, { torrent: { add_timeout: 20, inspect_timeout: 600 } })
  const api = apiClient(app.url)
  assert.equal((await api.post('/api/torrents', { magnet_uri: seeder.magnet })).status, 200)
  await waitFor(() => seeder.infoHash in inspected(app.dataDir), 5000, 'the deadline saved')
  await app.close()
  assert.ok(inspected(app.dataDir)[seeder.infoHash]! > Date.now() + 500_000, 'ten minutes from the inspection')
  assert.ok(existsSync(join(app.dataDir, 'torrents', `${seeder.infoHash}.torrent`)), 'persisted like any torrent')
  // as if the ten minutes went by while the server was down
  writeFileSync(join(app.dataDir, 'torrents', 'inspected.json'), JSON.stringify({ [seeder.infoHash]: Date.now() - 1000 }))
  const again = await startApp(t, { torrent: { add_timeout: 20, inspect_timeout: 600 } }, app.dataDir)
  const api2 = apiClient(again.url)
  await waitFor(async () => (await api2.get(`/api/torrents/${seeder.infoHash}`)).status === 404, 15_000, 'removed at start-up')
  // the removal answers 404 at once; the files go right after
  await waitFor(() => !existsSync(join(app.dataDir, 'torrents', `${seeder.infoHash}.torrent`)), 5000, 'its metadata file removed')
})

test('bad bodies are 400; a magnet nobody seeds is 504 add_timeout and leaves nothing loaded', { timeout: 60_000 }, async (t) => {
  const app = await startApp(t, { torrent: { add_timeout: 1 } })
  const api = apiClient(app.url)
  const hash = 'c'.repeat(40)
  for (const body of [{}, { magnet_uri: `magnet:?xt=urn:btih:${hash}`, release_id: 'x' }, { magnet_uri: 'not a magnet' }, { magnet_uri: '' }, { magnet_uri: 42 }, { magnet_uri: hash, file_path: 'x' }]) {
    const r = await api.post('/api/torrents', body)
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${JSON.stringify(r.body)}`)
    assert.equal(r.body.error.code, 'invalid_input')
  }
  const r = await api.post('/api/torrents', { magnet_uri: `magnet:?xt=urn:btih:${hash}` })
  assert.equal(r.status, 504)
  assert.equal(r.body.error.code, 'add_timeout')
  assert.match(r.body.error.message, /no metadata/)
  assert.equal((await api.get('/api/torrents')).body.total, 0)
  assert.deepEqual(inspected(app.dataDir), {})
})
