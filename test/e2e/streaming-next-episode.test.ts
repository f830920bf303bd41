// Stage 3 end to end, next-episode warm-up: episode 1 and episode 2 of a show live in two
// different torrents (two seeders). Playing episode 1 past streaming.next_episode_at makes the
// server fetch the head (here: all) of episode 2 in the background, so that with episode 2's
// seeder gone, "play next" still starts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp, tempDir } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { fixtureBytes } from '../helpers/fixtures.ts'
import { waitFor } from '../helpers/wait.ts'
import { apiClient } from '../helpers/api-client.ts'
import { range, torrentDetail, writeTorrentFolder } from '../helpers/streaming.ts'

const KiB = 1024
const MiB = 1024 * KiB

test('playing episode 1 past next_episode_at warms episode 2 in another torrent', { timeout: 180_000 }, async (t) => {
  const tmdb = await startFakeTmdb(t)
  const dir = tempDir(t)
  const ep1 = fixtureBytes('next', 'e1', 3 * MiB, 0, 3 * MiB)
  const ep2 = fixtureBytes('next', 'e2', MiB + 777, 0, MiB + 777)
  const seeder1 = await startSeeder(t, { path: writeTorrentFolder(dir, 'Breaking.Bad.S01E01', [{ path: 'Breaking.Bad.S01E01.mkv', bytes: ep1 }]), pieceLength: 16 * KiB })
  const seeder2 = await startSeeder(t, { path: writeTorrentFolder(dir, 'Breaking.Bad.S01E02', [{ path: 'Breaking.Bad.S01E02.mkv', bytes: ep2 }]), pieceLength: 16 * KiB })
  const app = await startApp(t, {
    tmdb: { base_url: tmdb.url, api_key: 'test-key' },
    torrent: { add_timeout: 15, read_timeout: 3, start_paused: false },
    streaming: { readahead_bytes: 256 * KiB, urgent_bytes: 64 * KiB, next_episode_at: 0.5 }
  })
  const api = apiClient(app.url)
  const show = await api.post('/api/shows', { tmdb_id: 1396 })
  assert.equal(show.status, 201, JSON.stringify(show.body))
  const detail = await api.get(`/api/shows/${show.body.id}`)
  const s1 = detail.body.seasons.find((s: { season_number: number }) => s.season_number === 1)
  const episode = (n: number): { id: number, name: string } => s1.episodes.find((e: { episode_number: number }) => e.episode_number === n)
  const a1 = await api.post(`/api/episodes/${episode(1).id}/assign`, { magnet_uri: seeder1.magnet, file_path: 'Breaking.Bad.S01E01/Breaking.Bad.S01E01.mkv' })
  assert.equal(a1.status, 201, JSON.stringify(a1.body))
  const a2 = await api.post(`/api/episodes/${episode(2).id}/assign`, { magnet_uri: seeder2.magnet, file_path: 'Breaking.Bad.S01E02/Breaking.Bad.S01E02.mkv' })
  assert.equal(a2.status, 201, JSON.stringify(a2.body))

  const season = `${app.url}/dav/TV%20Shows/Breaking%20Bad%20(2008)/Season%2001/`
  const listing = await fetch(season, { method: 'PROPFIND', headers: { Depth: '1' }, signal: AbortSignal.timeout(10_000) })
  const hrefs = [...(await listing.text()).matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]!)
  const href = (tag: string): string => { const h = hrefs.find((x) => decodeURIComponent(x).includes(tag)); assert.ok(h !== undefined, `${tag} listed: ${hrefs.join(' ')}`); return `${app.url}${h}` }
  const ep1Url = href('S01E01')
  const ep2Url = href('S01E02')

  // a probe of episode 1's head alone warms nothing
  assert.equal((await range(ep1Url, '0-1023')).status, 206)
  assert.deepEqual((await torrentDetail(app.url, seeder2.infoHash)).streaming.next_episode_warmups, [])

  // play episode 1 to the end: past 50 % episode 2 is warmed up
  const played = await range(ep1Url, '0-', 120_000)
  assert.equal(played.status, 206)
  assert.ok(played.body.equals(ep1))
  const warmed = await waitFor(async () => {
    const d = await torrentDetail(app.url, seeder2.infoHash)
    return d.pieces_cached === d.piece_count ? d : undefined
  }, 60_000, 'episode 2 fetched in the background', 100)
  assert.deepEqual(warmed.streaming.next_episode_warmups, [{ assignment_id: a2.body.id, file_index: a2.body.file_index }])

  // episode 2's swarm is gone: play next still starts
  await seeder2.stop()
  const next = await range(ep2Url, '0-65535')
  assert.equal(next.status, 206, 'the head of episode 2 comes from the cache')
  assert.ok(next.body.equals(ep2.subarray(0, 65536)))
  const tail = await range(ep2Url, `-1000`)
  assert.equal(tail.status, 206)
  assert.ok(tail.body.equals(ep2.subarray(ep2.length - 1000)))
  // opened: the warm-up handed over to the episode's own streams
  assert.deepEqual((await torrentDetail(app.url, seeder2.infoHash)).streaming.next_episode_warmups, [])
})
