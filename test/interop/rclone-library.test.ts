// Issue 2's "done when", with a client nobody here wrote: a movie added by TMDB id and a
// show with its seasons (Specials included) appear as folders in `rclone lsjson -R` against
// the real app. Skips when rclone is not installed (.ci/run installs it).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { apiClient } from '../helpers/api-client.ts'

const hasRclone = spawnSync('rclone', ['version'], { timeout: 10_000 }).status === 0

test('rclone lsjson -R shows the library added through the API', { skip: hasRclone ? false : 'rclone is not installed' }, async (t) => {
  const tmdb = await startFakeTmdb(t)
  const app = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey } })
  const api = apiClient(app.url)
  assert.equal((await api.post('/api/movies', { tmdb_id: 550 })).status, 201)
  assert.equal((await api.post('/api/movies', { tmdb_id: 754 })).status, 201)
  const show = await api.post('/api/shows', { tmdb_id: 1396 })
  assert.equal(show.status, 201)
  const seasons = (await api.get(`/api/shows/${show.body.id}`)).body.seasons.map((s: { season_number: number }) => s.season_number)

  const { stdout } = await promisify(execFile)('rclone', ['lsjson', '-R', ':webdav:', '--webdav-url', `${app.url}/dav`,
    '--config', '/dev/null', '--low-level-retries', '1', '--retries', '1'], { timeout: 60_000 })
  const entries = JSON.parse(stdout) as Array<{ Path: string, IsDir: boolean }>
  const dirs = new Set(entries.filter((e) => e.IsDir).map((e) => e.Path))
  for (const path of ['Movies', 'Movies/Fight Club (1999)', 'Movies/Face-Off (1997)', 'TV Shows', 'TV Shows/Breaking Bad (2008)']) {
    assert.ok(dirs.has(path), `${path} missing from ${[...dirs].join(', ')}`)
  }
  assert.ok(seasons.includes(0), 'TMDB lists Specials for 1396')
  for (const n of seasons) {
    assert.ok(dirs.has(`TV Shows/Breaking Bad (2008)/Season ${String(n).padStart(2, '0')}`), `season ${n}`)
  }
  assert.equal(entries.filter((e) => !e.IsDir).length, 0, 'no files before any torrent is assigned')
})
