// Stage 3 end to end, several readers of one file: two players (or Finder's parallel range
// GETs) stream different parts of one file at once; both get every byte, and the figures
// count one cold open and the rest as reuses of the file's state.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp, tempDir } from '../helpers/app.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { fixtureBytes } from '../helpers/fixtures.ts'
import { apiClient } from '../helpers/api-client.ts'
import { range, torrentDetail, writeTorrentFolder } from '../helpers/streaming.ts'

const KiB = 1024
const MiB = 1024 * KiB

test('two readers of one file, far apart, both stream every byte', { timeout: 120_000 }, async (t) => {
  const size = 5 * MiB + 333
  const bytes = fixtureBytes('readers', 'movie.mkv', size, 0, size)
  const root = writeTorrentFolder(tempDir(t), 'Alien.1979', [{ path: 'Alien.1979.mkv', bytes }])
  const seeder = await startSeeder(t, { path: root, pieceLength: 16 * KiB })
  const app = await startApp(t, {
    torrent: { add_timeout: 15, read_timeout: 10, start_paused: false },
    streaming: { readahead_bytes: 512 * KiB, urgent_bytes: 128 * KiB, header_bytes: 128 * KiB, footer_bytes: 128 * KiB }
  })
  const api = apiClient(app.url)
  const movie = await api.post('/api/movies', { title: 'Alien', year: 1979 })
  const assigned = await api.post(`/api/movies/${movie.body.id}/assign`, { magnet_uri: seeder.magnet })
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body))
  const url = `${app.url}/dav/Movies/Alien%20(1979)/Alien%20(1979).mkv`

  const mid = Math.floor(size / 2)
  const [a, b] = await Promise.all([range(url, `0-${mid - 1}`, 60_000), range(url, `${mid}-`, 60_000)])
  assert.equal(a.status, 206)
  assert.equal(b.status, 206)
  assert.ok(a.body.equals(bytes.subarray(0, mid)), 'the first reader got every byte')
  assert.ok(b.body.equals(bytes.subarray(mid)), 'the second reader got every byte')

  const f = (await torrentDetail(app.url, seeder.infoHash)).streaming.files.find((x) => x.file_index === assigned.body.file_index)!
  assert.equal(f.opens, 1, 'one cold open')
  assert.equal(f.reopens, 1, 'the second handle joined the file state')
  assert.equal(f.open_handles, 0)
  assert.ok(f.parked_readers >= 1 && f.parked_readers <= 4)
  assert.ok(f.reads >= Math.floor(size / (256 * KiB)), `reads ${f.reads}`)
  assert.equal(f.layout_probes, 1)
})
