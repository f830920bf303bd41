// Stage 3 end to end, pins: once an assigned file was opened, its header, moov and media start
// stay in the cache however much else is read. A 2 MB cache, one MP4 (moov at the end) opened
// once, then a 6 MiB file read in full: with the seeder gone, a scanner's probe of the MP4's
// head and moov is still served, while early parts of the big file were evicted. After a
// restart the pin is back at once (layouts.json) without the torrent joining its swarm. And a
// file assigned while running is warmed before any read (warm_on_assign).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startApp, tempDir } from '../helpers/app.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { buildMp4, materialise } from '../helpers/media.ts'
import { fixtureBytes } from '../helpers/fixtures.ts'
import { waitFor } from '../helpers/wait.ts'
import { apiClient } from '../helpers/api-client.ts'
import { range, torrentDetail, waitForFile, writeTorrentFolder } from '../helpers/streaming.ts'

const KiB = 1024
const MiB = 1024 * KiB

test('pinned head, moov and media start of an assigned file survive cache pressure', { timeout: 180_000 }, async (t) => {
  const mp4 = buildMp4({ mdatBytes: 1536 * KiB, moovBytes: 120 * KiB })
  const movieBytes = materialise(mp4)
  const bigBytes = fixtureBytes('pins', 'big.mkv', 6 * MiB, 0, 6 * MiB)
  const root = writeTorrentFolder(tempDir(t), 'Two.Movies', [
    { path: 'Ronin.1998.mp4', bytes: movieBytes },
    { path: 'Big.2001.mkv', bytes: bigBytes }
  ])
  const seeder = await startSeeder(t, { path: root, pieceLength: 16 * KiB })
  const app = await startApp(t, {
    torrent: { add_timeout: 15, read_timeout: 3, start_paused: false, global_cache_size: 2 },
    streaming: { readahead_bytes: 256 * KiB, urgent_bytes: 64 * KiB, header_bytes: 64 * KiB, footer_bytes: 64 * KiB, handle_grace: 1 }
  })
  const api = apiClient(app.url)
  const assign = async (title: string, year: number, path: string): Promise<{ file_index: number }> => {
    const m = await api.post('/api/movies', { title, year })
    assert.equal(m.status, 201, JSON.stringify(m.body))
    const a = await api.post(`/api/movies/${m.body.id}/assign`, { magnet_uri: seeder.magnet, file_path: `Two.Movies/${path}` })
    assert.equal(a.status, 201, JSON.stringify(a.body))
    return a.body
  }
  const ronin = await assign('Ronin', 1998, 'Ronin.1998.mp4')
  await assign('Big', 2001, 'Big.2001.mkv')
  const roninUrl = `${app.url}/dav/Movies/Ronin%20(1998)/Ronin%20(1998).mp4`
  const bigUrl = `${app.url}/dav/Movies/Big%20(2001)/Big%20(2001).mkv`

  // a scanner's first probe of Ronin: the layout is located, header and moov fetched and pinned
  assert.equal((await range(roninUrl, '0-1023')).status, 206)
  const f = await waitForFile(app.url, seeder.infoHash, ronin.file_index, (x) => x.index_ready_ms !== null && x.pinned_bytes > 0, 'Ronin pinned')
  assert.ok(f.pinned_bytes >= mp4.offsets.moovSize)
  // the media start is pinned too (and was warmed at read-ahead priority): read it while the swarm is here
  const mediaStart = mp4.offsets.mdat + 8
  assert.equal((await range(roninUrl, `${mediaStart}-${mediaStart + 64 * KiB - 1}`)).status, 206)

  // three times the cache goes through it
  const all = await range(bigUrl, '0-', 120_000)
  assert.equal(all.status, 206)
  assert.ok(all.body.equals(bigBytes), 'the big file read in full')
  // reads are served before their pieces reach the disk; wait until the last piece of the big
  // file outside its own pins (<cache>/<hash>/379) was written, so every eviction has happened
  const lastPiece = join(app.dataDir, 'cache', seeder.infoHash, String(Math.floor((6 * MiB - 64 * KiB) / (16 * KiB)) - 1))
  await waitFor(() => existsSync(lastPiece), 60_000, 'the cache writes of the big file')

  await seeder.stop()
  const moovEnd = mp4.offsets.moov + mp4.offsets.moovSize - 1
  const probes: Array<[string, number, number]> = [
    ['0-1023', 0, 1023],
    [`${mp4.offsets.moov}-`, mp4.offsets.moov, moovEnd],
    [`${mediaStart}-${mediaStart + 32 * KiB}`, mediaStart, mediaStart + 32 * KiB]
  ]
  for (const [spec, a, b] of probes) {
    const r = await range(roninUrl, spec)
    assert.equal(r.status, 206, `Ronin ${spec} served from the cache without peers`)
    assert.ok(r.body.equals(movieBytes.subarray(a, b + 1)), `bytes of ${spec}`)
  }
  // the pressure was real: the big file's early middle was evicted
  assert.equal((await range(bigUrl, `${2 * MiB}-${2 * MiB + 1023}`)).status, 504, 'evicted, no peer to refetch from')
  const usage = await api.get('/api/status')
  assert.ok(usage.body.cache.used_bytes <= usage.body.cache.limit_bytes, JSON.stringify(usage.body.cache))

  // restart (start_paused): the known layout comes from layouts.json and Ronin is pinned at
  // once, without waking the torrent; a probe is served from the cache with no layout probe
  await app.close()
  const again = await startApp(t, {
    torrent: { add_timeout: 15, read_timeout: 3, start_paused: true, global_cache_size: 2 },
    streaming: { readahead_bytes: 256 * KiB, urgent_bytes: 64 * KiB, header_bytes: 64 * KiB, footer_bytes: 64 * KiB }
  }, app.dataDir)
  const pinned = await waitForFile(again.url, seeder.infoHash, ronin.file_index, (x) => x.pinned_bytes > 0, 'Ronin pinned at startup')
  assert.equal(pinned.layout?.format, 'mp4')
  assert.equal((await torrentDetail(again.url, seeder.infoHash)).state, 'paused', 'pinning did not wake the torrent')
  const roninAgain = `${again.url}/dav/Movies/Ronin%20(1998)/Ronin%20(1998).mp4`
  const moovAgain = await range(roninAgain, `${mp4.offsets.moov}-`)
  assert.equal(moovAgain.status, 206)
  assert.ok(moovAgain.body.equals(movieBytes.subarray(mp4.offsets.moov, moovEnd + 1)))
  const after = await waitForFile(again.url, seeder.infoHash, ronin.file_index, (x) => x.reads > 0, 'Ronin read after restart')
  assert.equal(after.layout_probes, 0, 'the layout came from layouts.json')
})

test('a file assigned while running is warmed: a scanner\'s first probe of head, moov and media start downloads nothing', { timeout: 120_000 }, async (t) => {
  const mp4 = buildMp4({ mdatBytes: 1536 * KiB, moovBytes: 120 * KiB })
  const movieBytes = materialise(mp4)
  const root = writeTorrentFolder(tempDir(t), 'One.Movie', [{ path: 'Heat.1995.mp4', bytes: movieBytes }])
  const seeder = await startSeeder(t, { path: root, pieceLength: 16 * KiB })
  const app = await startApp(t, {
    torrent: { add_timeout: 15, read_timeout: 10 },
    streaming: { urgent_bytes: 64 * KiB, header_bytes: 64 * KiB, footer_bytes: 64 * KiB }
  })
  const api = apiClient(app.url)
  const m = await api.post('/api/movies', { title: 'Heat', year: 1995 })
  const a = await api.post(`/api/movies/${m.body.id}/assign`, { magnet_uri: seeder.magnet, file_path: 'One.Movie/Heat.1995.mp4' })
  assert.equal(a.status, 201, JSON.stringify(a.body))
  const f = await waitForFile(app.url, seeder.infoHash, a.body.file_index, (x) => x.layout?.format === 'mp4' && x.pinned_bytes > 0, 'warmed on assign')
  assert.equal(f.reads, 0, 'no player has read yet')
  // the pins arrive in the background: wait until the download has settled
  const downloaded = async (): Promise<number> => (await api.get(`/api/torrents/${seeder.infoHash}`)).body.downloaded as number
  let last = -1
  const settled = await waitFor(async () => {
    const d = await downloaded()
    const ok = d === last && d >= f.pinned_bytes
    last = d
    return ok ? d : undefined
  }, 30_000, 'the warm-up downloaded and stopped', 1500)
  const url = `${app.url}/dav/Movies/Heat%20(1995)/Heat%20(1995).mp4`
  const mediaStart = mp4.offsets.mdat + 8
  const moovEnd = mp4.offsets.moov + mp4.offsets.moovSize - 1
  const probes: Array<[string, number, number]> = [['0-1023', 0, 1023], [`${mp4.offsets.moov}-`, mp4.offsets.moov, moovEnd], [`${mediaStart}-${mediaStart + 32 * KiB}`, mediaStart, mediaStart + 32 * KiB]]
  for (const [spec, from, to] of probes) {
    const r = await range(url, spec)
    assert.equal(r.status, 206, spec)
    assert.ok(r.body.equals(movieBytes.subarray(from, to + 1)), `bytes of ${spec}`)
  }
  assert.equal(await downloaded(), settled, 'the probes were served from the cache')
})
