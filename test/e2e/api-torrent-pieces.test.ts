// GET /api/torrents/:hash/pieces and the peers of GET /api/torrents/:hash, end to end: a real
// webtorrent seeder on loopback, an assigned MP4 read over WebDAV. The map starts empty, shows
// what a read cached and what the streaming layer pinned, and what is on its way while the
// seeder is throttled.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp, tempDir } from '../helpers/app.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { buildMp4, materialise } from '../helpers/media.ts'
import { KiB } from '../helpers/fixtures.ts'
import { range, waitForFile, writeTorrentFolder } from '../helpers/streaming.ts'
import { apiClient } from '../helpers/api-client.ts'
import { waitFor } from '../helpers/wait.ts'

const PIECE = 16 * KiB

test('the piece map follows reads, pins and requests; the detail lists the connected seeder', { timeout: 120_000 }, async (t) => {
  const mp4 = buildMp4({ mdatBytes: 1024 * KiB, moovBytes: 48 * KiB })
  const bytes = materialise(mp4)
  const root = writeTorrentFolder(tempDir(t), 'Pieces.Test', [{ path: 'Clip.2020.mp4', bytes }])
  const seeder = await startSeeder(t, { path: root, pieceLength: PIECE })
  const app = await startApp(t, {
    torrent: { add_timeout: 20, read_timeout: 20 },
    // nothing is fetched before a read: the map starts empty
    streaming: { warm_on_assign: false, readahead_bytes: 64 * KiB, urgent_bytes: 32 * KiB, header_bytes: 32 * KiB, footer_bytes: 32 * KiB, handle_grace: 1 }
  })
  const api = apiClient(app.url)
  const movie = await api.post('/api/movies', { title: 'Clip', year: 2020 })
  const a = await api.post(`/api/movies/${movie.body.id}/assign`, { magnet_uri: seeder.magnet })
  assert.equal(a.status, 201, JSON.stringify(a.body))
  const hash = seeder.infoHash
  const map = async (): Promise<string> => {
    const r = await api.get(`/api/torrents/${hash}/pieces`)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.deepEqual([r.body.piece_count, r.body.piece_length], [seeder.pieceCount, PIECE])
    assert.equal(r.body.map.length, seeder.pieceCount)
    assert.match(r.body.map, /^[0-3]+$/)
    return r.body.map as string
  }
  assert.match(await map(), /^0+$/, 'nothing cached yet')

  // the seeder, as the engine sees it (dialed through the magnet's x.pe hint)
  const peer = await waitFor(async () => {
    const d = await api.get(`/api/torrents/${hash}`)
    return (d.body.peers as any[]).find((p) => p.address === `127.0.0.1:${seeder.port}`)
  }, 20_000, 'the seeder connected')
  assert.equal(peer.seeder, true)
  assert.equal(typeof peer.client, 'string')
  assert.ok(peer.client.length > 0)
  assert.deepEqual(Object.keys(peer).sort(), ['address', 'client', 'download_rate', 'seeder', 'upload_rate'])

  // a read: its pieces are cached; the MP4's head and moov are pinned once its layout is known
  const url = `${app.url}/dav/Movies/Clip%20(2020)/Clip%20(2020).mp4`
  const head = await range(url, '0-1023')
  assert.equal(head.status, 206)
  assert.ok(head.body.equals(bytes.subarray(0, 1024)))
  await waitForFile(app.url, hash, a.body.file_index, (f) => f.pinned_bytes > 0, 'the head and moov pinned')
  const middle = Math.floor(seeder.pieceCount / 2)
  const mid = await range(url, `${middle * PIECE}-${middle * PIECE + 1023}`)
  assert.equal(mid.status, 206)
  assert.ok(mid.body.equals(bytes.subarray(middle * PIECE, middle * PIECE + 1024)))
  const after = await waitFor(async () => { const m = await map(); return m[middle] !== '0' && m[middle] !== '3' && m[0] === '2' ? m : undefined }, 10_000, 'the read pieces cached')
  assert.equal(after[0], '2', 'the head is pinned')
  assert.equal(after.at(-1), '2', 'the moov at the end is pinned')
  assert.ok('12'.includes(after[middle]!), `piece ${middle} cached`)
  assert.ok(after.includes('0'), 'unread pieces are still missing')
  const detail = await api.get(`/api/torrents/${hash}`)
  // the map counts a verified piece still being written to the cache; the count follows once it is
  await waitFor(async () => (await api.get(`/api/torrents/${hash}`)).body.pieces_cached === [...await map()].filter((c) => c === '1' || c === '2').length, 5000, 'the cached count and the map agree')
  const seen = (detail.body.peers as any[]).find((p) => p.address === `127.0.0.1:${seeder.port}`)
  assert.ok(seen.download_rate > 0, 'it just sent us pieces')

  // the seeder slowed to a trickle: a read of missing pieces shows them on their way ('3')
  await seeder.throttle(4 * KiB)
  const far = after.lastIndexOf('0')
  const abort = new AbortController()
  const pending = fetch(url, { headers: { Range: `bytes=${far * PIECE}-${far * PIECE + 1023}` }, signal: abort.signal }).catch(() => undefined)
  const fetching = await waitFor(async () => { const m = await map(); return m.includes('3') ? m : undefined }, 20_000, 'a piece being fetched')
  assert.equal(fetching[0], '2', 'the pins stay')
  abort.abort()
  await pending
  await seeder.throttle(-1)
})

test('bad hashes are 400, a torrent not loaded is 404', async (t) => {
  const app = await startApp(t)
  const api = apiClient(app.url)
  for (const bad of ['xyz', 'a'.repeat(39), 'g'.repeat(40)]) {
    const r = await api.get(`/api/torrents/${bad}/pieces`)
    assert.equal(r.status, 400, bad)
    assert.equal(r.body.error.code, 'invalid_input')
  }
  const r = await api.get(`/api/torrents/${'a'.repeat(40)}/pieces`)
  assert.equal(r.status, 404)
  assert.equal(r.body.error.code, 'not_found')
})
