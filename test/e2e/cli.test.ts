// The CLI's release path against a running app: `momoshtrem search movie tmdb:550` prints the
// ranked releases and each indexer's state; `momoshtrem assign movie 1 --best` assigns the best
// healthy one; usage errors exit 2, API refusals exit 1 with the API's message.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startApp, tempDir } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startFakeTorznab } from '../helpers/fake-torznab.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { KiB, writeFixture } from '../helpers/fixtures.ts'
import { apiClient } from '../helpers/api-client.ts'

const bin = fileURLToPath(new URL('../../bin/momoshtrem.js', import.meta.url))

async function cli (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 120_000, env: { PATH: process.env.PATH ?? '' } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    })
  })
}

test('momoshtrem search and assign --best through the running server', { timeout: 180_000 }, async (t) => {
  const fixture = writeFixture(tempDir(t), { name: 'Fight.Club.1999.1080p.BluRay.x264-GRP', seed: 'cli', files: [{ path: 'Fight.Club.1999.1080p.BluRay.x264-GRP.mkv', length: 200 * KiB }] })
  const seeder = await startSeeder(t, { path: fixture.root, pieceLength: 16 * KiB })
  const tmdb = await startFakeTmdb(t)
  const indexer = await startFakeTorznab(t, { flavour: 'jackett', name: 'jackett' })
  indexer.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GRP', magnet: seeder.magnet, seeders: 7, size: 2 ** 30 })
  const app = await startApp(t, {
    tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey },
    torrent: { add_timeout: 30, start_paused: false },
    indexers: [{ name: 'jackett', url: indexer.url, api_key: indexer.apiKey, categories: [], timeout: 5 }],
    releases: { health_timeout: 5 }
  })
  const api = apiClient(app.url)
  const id = (await api.post('/api/movies', { tmdb_id: 550 })).body.id as number
  const server = ['--server', app.url]

  const found = await cli(['search', 'movie', 'tmdb:550', ...server])
  assert.equal(found.code, 0, found.stderr)
  assert.match(found.stdout, /# jackett: 1 results/)
  assert.match(found.stdout, /movie\s+#1 .* 7 seeders .* Fight\.Club\.1999\.1080p\.BluRay\.x264-GRP/)

  const dry = await cli(['assign', 'movie', String(id), '--best', '--dry-run', ...server])
  assert.equal(dry.code, 0, dry.stderr)
  assert.match(dry.stdout, /would assign: Fight\.Club\.1999\.1080p\.BluRay\.x264-GRP/)
  assert.equal((await api.get(`/api/movies/${id}/assign`)).status, 404)

  const done = await cli(['assign', 'movie', String(id), '--best', ...server])
  assert.equal(done.code, 0, done.stderr)
  assert.match(done.stdout, /^assigned: Fight\.Club/)
  assert.equal((await api.get(`/api/movies/${id}/assign`)).body.info_hash, seeder.infoHash)

  const usage = await cli(['assign', 'movie', String(id), ...server])
  assert.equal(usage.code, 2)
  assert.match(usage.stderr, /--best, --release RID, --magnet URI/)
  const missing = await cli(['search', 'movie', '999', ...server])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /404: movie 999 not found/)
  const unknown = await cli(['search', 'movie', 'tmdb:12345', ...server])
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /no movie with TMDB id 12345 in the library/)
  const down = await cli(['search', 'movie', '1', '--server', 'http://127.0.0.1:9'])
  assert.equal(down.code, 1)
  assert.match(down.stderr, /cannot reach momoshtrem/)
})
