// Issue 12 item 4 end to end: a movie assigned from a real seeder gets the subtitles its
// torrent lacks downloaded from a local fake OpenSubtitles (searched by TMDB id and the file's
// movie hash), published next to the video, kept across a restart; search, download and delete
// through the API; rate limits, quota and outages are clear errors that never block an assign.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startApp, tempDir } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startFakeOpenSubtitles, type FakeOpenSubtitles } from '../helpers/fake-opensubtitles.ts'
import { startSeeder, type Seeder } from '../helpers/seeder.ts'
import { KiB, writeFixture, type Fixture } from '../helpers/fixtures.ts'
import { apiClient } from '../helpers/api-client.ts'
import { waitFor } from '../helpers/wait.ts'
import { movieHash, movieHashRanges } from '../../src/subtitles/movie-hash.ts'

const FOLDER = 'Movies/Fight Club (1999)'
const VIDEO = 'Fight.Club.1999.1080p.BluRay.x264-GRP.mkv'

async function seedMovie (t: TestContext): Promise<{ fixture: Fixture, seeder: Seeder, hash: string }> {
  const fixture = writeFixture(tempDir(t), {
    name: 'Fight.Club.1999.1080p.BluRay.x264-GRP',
    seed: 'fight-club',
    files: [{ path: VIDEO, length: 400 * KiB + 17 }, { path: 'Fight.Club.1999.1080p.BluRay.x264-GRP.en.srt', length: 2 * KiB }]
  })
  const seeder = await startSeeder(t, { path: fixture.root, pieceLength: 16 * KiB })
  const video = fixture.files[0]!
  const [head, tail] = movieHashRanges(video.length).map((r) => fixture.expected(video.path, r.offset, r.length))
  return { fixture, seeder, hash: movieHash(video.length, head!, tail!) }
}

async function davGet (url: string, name: string): Promise<{ status: number, text: string }> {
  const res = await fetch(`${url}/dav/${[...FOLDER.split('/'), name].map(encodeURIComponent).join('/')}`, { signal: AbortSignal.timeout(30_000) })
  return { status: res.status, text: await res.text() }
}

async function start (t: TestContext, os: FakeOpenSubtitles, tmdbUrl: string, tmdbKey: string, dataDir?: string) {
  return await startApp(t, {
    tmdb: { base_url: tmdbUrl, api_key: tmdbKey },
    torrent: { add_timeout: 30, read_timeout: 30, start_paused: false },
    subtitles: { languages: ['en', 'de'], opensubtitles: { api_key: os.apiKey, base_url: os.url, timeout: 2 } }
  }, dataDir)
}

test('OpenSubtitles: missing languages downloaded on assign, search/download/delete, errors in words, kept across a restart', { timeout: 120_000 }, async (t) => {
  const { seeder, hash } = await seedMovie(t)
  const tmdb = await startFakeTmdb(t)
  const os = await startFakeOpenSubtitles(t)
  const synced = os.addSubtitle({ tmdbId: 550, language: 'de', movieHashes: [hash], release: 'Fight.Club.1999.1080p.BluRay.x264-GRP', downloadCount: 10 })
  const popular = os.addSubtitle({ tmdbId: 550, language: 'de', release: 'Fight.Club.1999.DVDRip', downloadCount: 9000 })
  os.addSubtitle({ tmdbId: 550, language: 'en', release: 'Fight.Club.1999.WEB', downloadCount: 50 })
  const app = await start(t, os, tmdb.url, tmdb.apiKey)
  const api = apiClient(app.url)
  const movie = await api.post('/api/movies', { tmdb_id: 550 })
  assert.equal(movie.status, 201)
  const id = movie.body.id as number

  assert.equal((await api.post(`/api/movies/${id}/assign`, { magnet_uri: seeder.magnet, file_path: VIDEO })).status, 201)
  // English comes with the torrent; German is downloaded: the one made for this very file
  const subs = await waitFor(async () => {
    const list = (await api.get(`/api/movies/${id}/subtitles`)).body.items as any[]
    return list.length === 2 ? list : null
  }, 30_000, 'the automatic download')
  assert.deepEqual(subs.map((s) => [s.language, s.origin]).sort(), [['de', 'opensubtitles'], ['en', 'torrent']])
  assert.equal(subs.find((s) => s.origin === 'opensubtitles').external_id, String(synced.fileId))
  const search = os.requests.find((r) => r.path === '/subtitles')!
  assert.equal(search.query.tmdb_id, '550')
  assert.equal(search.query.moviehash, hash)
  assert.equal(search.query.languages, 'de', 'only the language the torrent lacks')
  assert.equal(search.headers['api-key'], os.apiKey)

  // published next to the video, both kinds
  const de = await davGet(app.url, 'Fight Club (1999).de.srt')
  assert.equal(de.status, 200)
  assert.equal(de.text, synced.content.toString('utf8'))
  assert.equal((await davGet(app.url, 'Fight Club (1999).en.srt')).status, 200)

  // search through the API: the hash match is the pick, with its reason
  const found = await api.get(`/api/movies/${id}/subtitles/search?languages=de`)
  assert.equal(found.status, 200, JSON.stringify(found.body))
  assert.equal(found.body.movie_hash, hash)
  assert.deepEqual(found.body.best.map((b: any) => [b.language, b.file_id]), [['de', synced.fileId]])
  assert.match(found.body.best[0].reason, /hash/)
  assert.ok(found.body.items.some((c: any) => c.file_id === popular.fileId && c.moviehash_match === false))

  // download one by file id, twice: the second is a conflict
  const got = await api.post(`/api/movies/${id}/subtitles`, { file_id: popular.fileId })
  assert.equal(got.status, 201, JSON.stringify(got.body))
  assert.equal((await api.post(`/api/movies/${id}/subtitles`, { file_id: popular.fileId })).status, 409)
  assert.equal((await davGet(app.url, 'Fight Club (1999).2.de.srt')).text, popular.content.toString('utf8'))
  // delete it again; a torrent's own cannot be deleted
  const gone = await api.del(`/api/subtitles/${got.body.items[0].id}`)
  assert.equal(gone.status, 200)
  assert.equal((await davGet(app.url, 'Fight Club (1999).2.de.srt')).status, 404)
  const torrentSub = subs.find((s) => s.origin === 'torrent')
  assert.equal((await api.del(`/api/subtitles/${torrentSub.id}`)).status, 409)
  assert.equal((await api.del('/api/subtitles/99999')).status, 404)

  // OpenSubtitles' limits and outages are errors in words, with the wait when there is one
  os.failNext(1, { status: 429, retryAfter: '30', path: /^\/subtitles/ })
  const limited = await api.get(`/api/movies/${id}/subtitles/search?languages=de`)
  assert.equal(limited.status, 429)
  assert.equal(limited.body.error.code, 'rate_limited')
  assert.equal(limited.headers.get('retry-after'), '30')
  os.setQuota({ anonymous: 0 })
  const quota = await api.post(`/api/movies/${id}/subtitles`, { file_id: popular.fileId })
  assert.equal(quota.status, 429, JSON.stringify(quota.body))
  assert.ok(Number(quota.headers.get('retry-after')) > 0)
  os.failNext(3, { status: 503, path: /^\/subtitles/ })
  const down = await api.get(`/api/movies/${id}/subtitles/search`)
  assert.ok(down.status >= 502 && down.status <= 503, String(down.status))
  assert.match(down.body.error.message, /OpenSubtitles/)
  assert.equal((await api.get('/api/movies/99999/subtitles')).status, 404)
  assert.equal((await api.get(`/api/movies/${id}/subtitles/search?languages=english`)).status, 400)

  // a restart keeps the downloaded subtitle and its bytes
  await app.close()
  const again = await start(t, os, tmdb.url, tmdb.apiKey, app.dataDir)
  assert.equal((await davGet(again.url, 'Fight Club (1999).de.srt')).text, synced.content.toString('utf8'))
})

test('OpenSubtitles down or not configured: the assign and the read still work', { timeout: 90_000 }, async (t) => {
  const { seeder, fixture } = await seedMovie(t)
  const tmdb = await startFakeTmdb(t)
  const os = await startFakeOpenSubtitles(t)
  os.stallNext(5, { path: /^\/subtitles/ })
  const app = await start(t, os, tmdb.url, tmdb.apiKey)
  const api = apiClient(app.url)
  const id = (await api.post('/api/movies', { tmdb_id: 550 })).body.id as number
  assert.equal((await api.post(`/api/movies/${id}/assign`, { magnet_uri: seeder.magnet, file_path: VIDEO })).status, 201)
  const video = await fetch(`${app.url}/dav/${FOLDER.split('/').map(encodeURIComponent).join('/')}/${encodeURIComponent('Fight Club (1999).mkv')}`, { signal: AbortSignal.timeout(30_000) })
  assert.equal(video.status, 200)
  assert.deepEqual(Buffer.from(await video.arrayBuffer()), fixture.expected(fixture.files[0]!.path, 0, fixture.files[0]!.length))
  // the stalled search times out in the background and shows in /api/status, not as a failed assign
  const status = await waitFor(async () => {
    const s = (await api.get('/api/status')).body.subtitles
    return s.last_error === null ? null : s
  }, 20_000, 'the failed background download in /api/status')
  assert.equal(status.opensubtitles_configured, true)
  assert.deepEqual(status.languages, ['en', 'de'])
  assert.match(status.last_error.message, /OpenSubtitles|timed out|timeout/i)

  const plain = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey } })
  const papi = apiClient(plain.url)
  const pid = (await papi.post('/api/movies', { tmdb_id: 550 })).body.id as number
  const off = await papi.get(`/api/movies/${pid}/subtitles/search?languages=en`)
  assert.equal(off.status, 503)
  assert.equal(off.body.error.code, 'not_configured')
  assert.match(off.body.error.message, /subtitles\.opensubtitles\.api_key/)
  assert.deepEqual((await papi.get(`/api/movies/${pid}/subtitles`)).body, { items: [] })
})
