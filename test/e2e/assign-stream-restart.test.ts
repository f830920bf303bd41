// The whole path on loopback: the real app (port 0, temp data,
// fake TMDB), an independent seeder (webtorrent in a child process), a movie added by TMDB
// id, its magnet assigned, the file listed over WebDAV and streamed by Range GETs, then
// idle mode and a restart without the swarm.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { startApp, tempDir, type TestApp } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { KiB, MiB, writeFixture, type Fixture } from '../helpers/fixtures.ts'
import { dav, okProps, parseMultistatus } from '../helpers/dav.ts'
import { sleep, waitFor } from '../helpers/wait.ts'
import { apiClient } from '../helpers/api-client.ts'
import type { DeepPartial } from '../../src/config/load.ts'
import type { Config } from '../../src/config/schema.ts'

const PIECE = 64 * KiB
const MOVIE_DIR = '/dav/Movies/Fight%20Club%20(1999)/'
const MOVIE_FILE = `${MOVIE_DIR}Fight%20Club%20(1999).mkv`

function movieFixture (dir: string): Fixture {
  return writeFixture(dir, {
    name: 'Fight.Club.1999.1080p.BluRay',
    files: [
      // not a multiple of the piece length: the last piece is short
      { path: 'Fight.Club.1999.1080p.BluRay.mkv', length: 6 * MiB + 12_345 },
      { path: 'Sample/fight.club.sample.mkv', length: 100 * KiB },
      { path: 'Fight.Club.nfo', length: 700 }
    ]
  })
}

function appConfig (tmdbUrl: string, extra: DeepPartial<Config> = {}): DeepPartial<Config> {
  return {
    tmdb: { base_url: tmdbUrl, api_key: 'test-key' },
    torrent: { add_timeout: 15, read_timeout: 10, idle_timeout: 2, idle_check_interval: 0.2, start_paused: false, ...extra.torrent },
    // one piece of read-ahead, and head/tail prefetch (stage 3) of one piece each, so the
    // test knows which ranges were never fetched
    streaming: { readahead_bytes: PIECE, urgent_bytes: PIECE, header_bytes: PIECE, footer_bytes: PIECE, ...extra.streaming }
  }
}

async function range (url: string, spec: string, signal = AbortSignal.timeout(30_000)): Promise<{ status: number, contentRange: string | null, body: Buffer }> {
  const res = await fetch(url, { headers: { Range: `bytes=${spec}` }, signal })
  return { status: res.status, contentRange: res.headers.get('content-range'), body: Buffer.from(await res.arrayBuffer()) }
}

async function torrentState (app: TestApp, hash: string): Promise<{ state: string, downloaded: number, peers: number }> {
  const res = await apiClient(app.url).get(`/api/torrents/${hash}`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

test('2.9: add movie 550, assign a magnet, browse and stream over WebDAV, idle, restart without the swarm', { timeout: 180_000 }, async (t) => {
  const tmdb = await startFakeTmdb(t)
  const fixture = movieFixture(tempDir(t))
  const main = fixture.files.find((f) => f.relPath.endsWith('.mkv') && !f.relPath.includes('Sample'))!
  let seeder = await startSeeder(t, { path: fixture.root, pieceLength: PIECE })
  const dataDir = tempDir(t)
  let app = await startApp(t, appConfig(tmdb.url), dataDir)
  let api = apiClient(app.url)

  const movie = await api.post('/api/movies', { tmdb_id: 550 })
  assert.equal(movie.status, 201, JSON.stringify(movie.body))
  assert.equal(movie.body.title, 'Fight Club')

  // assign without file_path: the main video is chosen, the sample and the nfo are not
  const t0 = performance.now()
  const assigned = await api.post(`/api/movies/${movie.body.id}/assign`, { magnet_uri: seeder.magnet, resolution: '1080p', source: 'BluRay' })
  const assignMs = performance.now() - t0
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body))
  assert.equal(assigned.body.file_path, main.path)
  assert.equal(assigned.body.file_size, main.length)
  assert.equal(assigned.body.info_hash, seeder.infoHash)
  const hash = seeder.infoHash

  // the file appears with its real name and exact size
  const listing = await dav(`${app.url}${MOVIE_DIR}`, 'PROPFIND', { Depth: '1' })
  assert.equal(listing.status, 207)
  const props = okProps(parseMultistatus(listing.text), MOVIE_FILE.replace(/\(/g, '%28').replace(/\)/g, '%29'))
  assert.equal(props.get('DAV:getcontentlength')?.text, String(main.length))
  assert.equal(props.get('DAV:getcontenttype')?.text, 'video/x-matroska')

  // Range GETs: start, middle, end, across piece boundaries; compared with the source
  const url = `${app.url}${MOVIE_FILE}`
  const expected = fixture.expected(main.path, 0, main.length)
  const t1 = performance.now()
  const first = await range(url, '0-0')
  const firstByteMs = performance.now() - t1
  assert.equal(first.status, 206)
  assert.equal(first.contentRange, `bytes 0-0/${main.length}`)
  assert.deepEqual(first.body, expected.subarray(0, 1))
  const mid = Math.floor(main.length / 2)
  const t2 = performance.now()
  const cold = await range(url, `${mid}-${mid + 99}`)
  const coldSeekMs = performance.now() - t2
  assert.ok(cold.body.equals(expected.subarray(mid, mid + 100)), 'middle range')
  const specs: Array<[string, number, number]> = [
    [`${PIECE - 10}-${PIECE + 10}`, PIECE - 10, PIECE + 10],
    [`${3 * PIECE - 1}-${5 * PIECE}`, 3 * PIECE - 1, 5 * PIECE],
    ['-100', main.length - 100, main.length - 1],
    [`${main.length - 1}-`, main.length - 1, main.length - 1],
    [`${main.length - 5000}-${main.length + 5000}`, main.length - 5000, main.length - 1]
  ]
  for (const [spec, a, b] of specs) {
    const r = await range(url, spec)
    assert.equal(r.status, 206, spec)
    assert.equal(r.contentRange, `bytes ${a}-${b}/${main.length}`, spec)
    assert.ok(r.body.equals(expected.subarray(a, b + 1)), `bytes of ${spec}`)
  }
  assert.equal((await range(url, `${main.length}-`)).status, 416)

  // parallel ranges (Finder, rclone)
  const parallel = Array.from({ length: 8 }, (_, i) => Math.floor((main.length - 70_000) * i / 8))
  const results = await Promise.all(parallel.map(async (a) => await range(url, `${a}-${a + 65_000}`)))
  results.forEach((r, i) => { assert.ok(r.body.equals(expected.subarray(parallel[i], parallel[i]! + 65_001)), `parallel ${i}`) })

  // a client that hangs up mid-stream: the server stays healthy, the torrent is not read to the end
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { headers: { Range: 'bytes=1000-' } }, (res) => {
      res.once('data', () => { req.destroy(); resolve() })
      res.once('error', () => {})
    })
    req.once('error', () => {})
    req.setTimeout(20_000, () => { req.destroy(); reject(new Error('no data within 20 s')) })
    req.end()
  })
  const afterHangUp = await range(url, '1000-200999')
  assert.ok(afterHangUp.body.equals(expected.subarray(1000, 201_000)), 'the server serves the next request after a hang-up')

  // idle: after idle_timeout without reads the torrent moves no bytes at all
  await waitFor(async () => (await torrentState(app, hash)).state === 'idle', 10_000, 'torrent idle')
  const before = await seeder.stats()
  await sleep(1500)
  const after = await seeder.stats()
  assert.equal(after.bytes, before.bytes, 'no bytes on the seeder sockets while idle')
  assert.equal(after.openPeerSockets, 0, 'idle torrents keep no peer connections')
  // the next read resumes at once
  const resumed = await range(url, `${2 * MiB}-${2 * MiB + 1000}`)
  assert.ok(resumed.body.equals(expected.subarray(2 * MiB, 2 * MiB + 1001)))
  assert.notEqual((await torrentState(app, hash)).state, 'idle')

  // restart with the seeder gone: tree and cached bytes are served, uncached reads fail in time
  await app.close()
  await seeder.stop()
  app = await startApp(t, appConfig(tmdb.url, { torrent: { read_timeout: 2 } }), dataDir)
  api = apiClient(app.url)
  const url2 = `${app.url}${MOVIE_FILE}`
  const relisted = await dav(`${app.url}${MOVIE_DIR}`, 'PROPFIND', { Depth: '1' })
  assert.ok(relisted.text.includes(`<D:getcontentlength>${main.length}</D:getcontentlength>`))
  const cached = await range(url2, '0-99')
  assert.ok(cached.body.equals(expected.subarray(0, 100)), 'cached head served without peers')
  const cachedMid = await range(url2, `${mid}-${mid + 99}`)
  assert.ok(cachedMid.body.equals(expected.subarray(mid, mid + 100)), 'cached middle served without peers')
  // nothing read this region before the restart (parallel reads end near 5.65 MiB, the tail reads start 5000 bytes before the end)
  const holeStart = main.length - 3 * PIECE
  const started = performance.now()
  const uncached = await fetch(url2, { headers: { Range: `bytes=${holeStart}-${holeStart + 10}` }, signal: AbortSignal.timeout(20_000) })
    .then(async (res) => ({ status: res.status, body: await res.text() }), (err: unknown) => ({ status: -1, body: String(err) }))
  const waited = performance.now() - started
  assert.equal(uncached.status, 504, `uncached range without peers: ${uncached.body}`)
  assert.ok(waited >= 1500 && waited < 8000, `failed after ${Math.round(waited)} ms, read_timeout is 2 s`)

  // a seeder comes back: the same range now streams
  seeder = await startSeeder(t, { path: fixture.root, pieceLength: PIECE, port: seeder.port })
  // (the engine redials remembered peers with back-off, so allow a few read_timeout rounds)
  const back = await waitFor(async () => {
    const r = await range(url2, `${holeStart}-${holeStart + 10}`)
    return r.status === 206 ? r : undefined
  }, 20_000, 'a read after the seeder returned', 100)
  assert.ok(back.body.equals(expected.subarray(holeStart, holeStart + 11)), 'read after the seeder returned')

  t.diagnostic(`assign -> playable: ${Math.round(assignMs)} ms (metadata from the swarm); first byte after assign: ${Math.round(firstByteMs)} ms; cold seek to the middle: ${Math.round(coldSeekMs)} ms`)
})

test('an episode in a multi-file season pack is picked by its SxxEyy and listed under TV Shows', { timeout: 120_000 }, async (t) => {
  const tmdb = await startFakeTmdb(t)
  const fixture = writeFixture(tempDir(t), {
    name: 'Breaking.Bad.S01.1080p',
    files: [
      { path: 'Breaking.Bad.S01E01.Pilot.1080p.mkv', length: 300 * KiB + 7 },
      { path: "Breaking.Bad.S01E02.Cat's.in.the.Bag.1080p.mkv", length: 200 * KiB + 3 },
      { path: 'Breaking.Bad.S01E03.1080p.mp4', length: 10 * KiB },
      { path: 'Subs/Breaking.Bad.S01E02.en.srt', length: 3 * KiB }
    ]
  })
  const seeder = await startSeeder(t, { path: fixture.root, pieceLength: 32 * KiB })
  const app = await startApp(t, appConfig(tmdb.url))
  const api = apiClient(app.url)
  const show = await api.post('/api/shows', { tmdb_id: 1396 })
  assert.equal(show.status, 201, JSON.stringify(show.body))
  const detail = await api.get(`/api/shows/${show.body.id}`)
  const s1 = detail.body.seasons.find((s: { season_number: number }) => s.season_number === 1)
  const e2 = s1.episodes.find((e: { episode_number: number }) => e.episode_number === 2)

  // without file_path a movie would be ambiguous; the episode's numbers pick its file
  const res = await api.post(`/api/episodes/${e2.id}/assign`, { magnet_uri: seeder.magnet })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  const file = fixture.files.find((f) => f.relPath.startsWith('Breaking.Bad.S01E02'))!
  assert.equal(res.body.file_path, file.path)

  const season = await dav(`${app.url}/dav/TV%20Shows/Breaking%20Bad%20(2008)/Season%2001/`, 'PROPFIND', { Depth: '1' })
  assert.equal(season.status, 207)
  const hrefs = parseMultistatus(season.text).map((r) => decodeURIComponent(r.href))
  const episodeHref = hrefs.find((h) => h.includes('S01E02') && h.endsWith('.mkv'))
  // the pack's Subs/ subtitle of S01E02 sits next to its video
  assert.ok(hrefs.some((h) => h.includes('S01E02') && h.endsWith('.en.srt')), `listed: ${hrefs.join(', ')}`)
  // the name is sanitised: TMDB's trailing dots are trimmed
  assert.ok(episodeHref?.endsWith(`Breaking Bad (2008) - S01E02 - ${(e2.name as string).replace(/[.\s]+$/, '')}.mkv`), `listed: ${hrefs.join(', ')}`)
  const body = await range(`${app.url}${encodeURI(episodeHref!).replace(/'/g, '%27')}`, `${file.length - 50}-`)
  assert.equal(body.status, 206)
  assert.ok(body.body.equals(fixture.expected(file.path, file.length - 50, 50)))

  // the show detail reports the assignment; a second episode can share the torrent
  const e1 = s1.episodes.find((e: { episode_number: number }) => e.episode_number === 1)
  assert.equal((await api.post(`/api/episodes/${e1.id}/assign`, { magnet_uri: seeder.magnet })).status, 201)
  const again = await api.get(`/api/shows/${show.body.id}`)
  const e2again = again.body.seasons.find((s: { season_number: number }) => s.season_number === 1).episodes.find((e: { id: number }) => e.id === e2.id)
  assert.equal(e2again.assignment.file_path, file.path)
  // deleting the torrent while two episodes use it is refused; removing one assignment keeps the torrent
  assert.equal((await api.del(`/api/torrents/${seeder.infoHash}`)).status, 409)
  const un = await api.del(`/api/episodes/${e1.id}/assign?remove_torrent=true`)
  assert.equal(un.status, 200)
  assert.equal(un.body.torrent_removed, false, 'still used by episode 2')
  assert.equal((await api.get(`/api/torrents/${seeder.infoHash}`)).status, 200)
})
