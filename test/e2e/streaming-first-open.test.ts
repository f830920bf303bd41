// Stage 3 end to end, container-aware first open: an MP4 with its moov at the end is opened
// once (a 1 KiB probe of the head); the layout is located through the torrent and the moov is
// fetched right away, so that with the swarm gone the player's tail read is still served while
// the body (never read) is not. A reopen within handle_grace reuses the file's state (no second
// layout probe). The figures show up in the torrent detail and at /metrics.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp, tempDir } from '../helpers/app.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { buildMp4, materialise } from '../helpers/media.ts'
import { apiClient } from '../helpers/api-client.ts'
import { range, torrentDetail, waitForFile, writeTorrentFolder } from '../helpers/streaming.ts'

const KiB = 1024
const MiB = 1024 * KiB

test('first open of an MP4 with moov at the end fetches the moov before any body read; reopen reuses state; figures in the API and /metrics', { timeout: 120_000 }, async (t) => {
  const mp4 = buildMp4({ mdatBytes: 6 * MiB, moovBytes: 300 * KiB })
  const bytes = materialise(mp4)
  const root = writeTorrentFolder(tempDir(t), 'Heat.1995.1080p', [
    { path: 'Heat.1995.1080p.mp4', bytes },
    { path: 'Heat.1995.nfo', bytes: Buffer.from('nfo\n') }
  ])
  const seeder = await startSeeder(t, { path: root, pieceLength: 16 * KiB })
  const app = await startApp(t, {
    torrent: { add_timeout: 15, read_timeout: 3, start_paused: false },
    // small windows: the middle of the body is never fetched unless something reads it; no
    // warm-on-assign (streaming-pins.test.ts): this is the first open of a file found at startup
    streaming: { readahead_bytes: 256 * KiB, urgent_bytes: 128 * KiB, header_bytes: 256 * KiB, footer_bytes: 256 * KiB, handle_grace: 60, warm_on_assign: false }
  })
  const api = apiClient(app.url)
  const movie = await api.post('/api/movies', { title: 'Heat', year: 1995 })
  assert.equal(movie.status, 201, JSON.stringify(movie.body))
  const assigned = await api.post(`/api/movies/${movie.body.id}/assign`, { magnet_uri: seeder.magnet, file_path: 'Heat.1995.1080p/Heat.1995.1080p.mp4' })
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body))
  const hash = seeder.infoHash
  const fileIndex = assigned.body.file_index as number
  const url = `${app.url}/dav/Movies/Heat%20(1995)/Heat%20(1995).mp4`

  // the player's first read: 1 KiB of the head
  const head = await range(url, '0-1023')
  assert.equal(head.status, 206)
  assert.ok(head.body.equals(bytes.subarray(0, 1024)))

  const f = await waitForFile(app.url, hash, fileIndex, (x) => x.index_ready_ms !== null, 'header and moov fetched after the first open')
  assert.equal(f.layout?.format, 'mp4')
  assert.ok(f.layout!.ranges.some((r) => r.offset === mp4.offsets.moov && r.length === mp4.offsets.moovSize && r.reasons.includes('moov')), JSON.stringify(f.layout))
  assert.equal(f.layout_probes, 1)
  assert.equal(f.opens, 1)
  assert.ok(f.pinned_bytes >= mp4.offsets.moovSize, 'the moov is pinned while the movie is assigned')

  // the swarm goes away: what the player reads next (the moov, at the end) is already here
  await seeder.stop()
  const moovEnd = mp4.offsets.moov + mp4.offsets.moovSize - 1
  const moov = await range(url, `${mp4.offsets.moov}-`)
  assert.equal(moov.status, 206, 'moov served from the cache')
  assert.ok(moov.body.equals(bytes.subarray(mp4.offsets.moov, moovEnd + 1)))
  // ...while the body, never read, was never fetched
  const middle = await range(url, `${3 * MiB}-${3 * MiB + 1023}`)
  assert.equal(middle.status, 504, 'the middle of mdat was not prefetched')

  // the second and third opens found the file's state (handle_grace): no second probe
  const again = (await torrentDetail(app.url, hash)).streaming.files.find((x) => x.file_index === fileIndex)!
  assert.equal(again.layout_probes, 1)
  assert.equal(again.opens, 1)
  assert.ok(again.reopens >= 2, `reopens ${again.reopens}`)
  assert.ok(again.reads >= 2)
  assert.equal(typeof again.p50_ms, 'number')
  assert.equal(typeof again.p99_ms, 'number')
  assert.ok(again.p99_ms! >= again.p50_ms!)

  const metrics = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(10_000) })
  assert.equal(metrics.status, 200)
  const text = await metrics.text()
  assert.match(text, /^momoshtrem_layout_probes_total\{result="probed"\} 1$/m)
  assert.match(text, /^momoshtrem_read_latency_seconds_count [1-9]\d*$/m)
  assert.match(text, /^momoshtrem_reads_total\{result="error"\} [1-9]\d*$/m, 'the timed-out read is counted')
  assert.match(text, /^momoshtrem_torrents\{state="active"\} 1$/m)
  assert.match(text, /^momoshtrem_cache_bytes [1-9]\d*$/m)
  assert.match(text, /^momoshtrem_cache_pinned_bytes [1-9]\d*$/m)
  assert.match(text, /^momoshtrem_torrent_download_bytes_total [1-9]\d*$/m)
  assert.match(text, /^momoshtrem_torrent_wasted_bytes_total \d+$/m)
  assert.match(text, /^momoshtrem_file_opens_total\{kind="reused"\} [1-9]\d*$/m)
  assert.match(text, /^momoshtrem_http_responses_total\{method="GET",code="2xx"\} [1-9]\d*$/m)
})

test('/metrics asks for the same credentials as the API when they are configured', { timeout: 30_000 }, async (t) => {
  const app = await startApp(t, { auth: { username: 'u', password: 'p' } })
  const anonymous = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(10_000) })
  assert.equal(anonymous.status, 401)
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic/)
  const authed = await fetch(`${app.url}/metrics`, { headers: { authorization: 'Basic ' + Buffer.from('u:p').toString('base64') }, signal: AbortSignal.timeout(10_000) })
  assert.equal(authed.status, 200)
  assert.match(await authed.text(), /# TYPE momoshtrem_read_latency_seconds histogram/)
})
