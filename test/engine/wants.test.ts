// Engine conformance: only what readers want moves. No download before a read, a one-byte read
// costs one piece, a reader's read-ahead is bounded (and follows a caller's stated end); remembered peers survive a restart;
// cached pieces are served to other peers; max_connections_per_torrent holds.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { startSeeder, WebTorrentProcess, magnetLink } from '../helpers/seeder.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { freePort } from '../helpers/clients.ts'
import { tempDir } from '../helpers/app.ts'
import { afterTicks, readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { withTimeout, waitFor } from '../helpers/wait.ts'

const P = 64 * KiB

test('no download before a read; a one-byte read downloads exactly one piece', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(16 * MiB, 'wants.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  await afterTicks(torrent, 1, 'the metadata transfer (ut_metadata, which webtorrent counts as uploaded) settles')
  const s0 = await seeder.stats()
  await afterTicks(torrent, 3, 'three ticks connected, no read')
  assert.equal(torrent.stats().downloaded, 0, `downloaded ${torrent.stats().downloaded} bytes with no read`)
  assert.equal((await seeder.stats()).uploaded - s0.uploaded, 0, 'the seeder uploaded payload with no read')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 100 * P + 7, 1, deadlineIn(10_000), 'one byte:')
  await afterTicks(torrent, 2)
  assert.equal(torrent.stats().downloaded, P, `a one-byte read downloaded ${torrent.stats().downloaded} bytes (piece length ${P})`)
  assert.equal(torrent.stats().piecesCached, 1)
})

test('a reader\'s read-ahead is bounded: one small read does not pull the file', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(64 * MiB, 'window.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const reader = torrent.openReader(0)
  await readAndCompare(reader, fx, torrent.info.files[0]!, 10 * MiB, 64 * KiB, deadlineIn(10_000), 'small read:')
  await afterTicks(torrent, 3)
  const d = torrent.stats().downloaded
  t.diagnostic(`one 64 KiB read through a reader downloaded ${d} bytes after 3 ticks`)
  assert.ok(d <= 8 * MiB, `one 64 KiB reader read pulled ${d} bytes (read-ahead should start small, ~2 MiB)`)
  reader.close()
  await afterTicks(torrent, 1, 'requests in flight at the close arrive')
  const d2 = torrent.stats().downloaded
  await afterTicks(torrent, 2)
  assert.equal(torrent.stats().downloaded, d2, 'downloads continued after the only reader closed')
})

test('a reader told where its caller stops wants all of the rest at once, whatever its window, and nothing past it', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(16 * MiB, 'bounded.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const reader = torrent.openReader(0)
  t.after(() => { reader.close() })
  reader.setReadahead(0) // no window of its own: only the bound moves pieces
  reader.limit(4 * MiB + 10)
  await readAndCompare(reader, fx, torrent.info.files[0]!, 3 * MiB, 1, deadlineIn(10_000), 'first byte:')
  // pieces 48..64 (4 MiB + 10 bytes ends in piece 64)
  await waitFor(() => torrent.stats().downloaded >= 17 * P, 10_000, 'the rest of the bounded range')
  await afterTicks(torrent, 1)
  assert.equal(torrent.stats().downloaded, 17 * P, 'nothing past the bound')
  reader.limit(Infinity)
  await afterTicks(torrent, 1)
  assert.equal(torrent.stats().downloaded, 17 * P, 'without a bound a window of 0 wants nothing more')
})

test('remembered peers survive a restart: a bare magnet finds the seeder again', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * MiB, 'remember.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const first = await createTestEngine(t, { add_timeout: 20, start_paused: false })
  const t1 = await withTimeout(first.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  await readAndCompare(t1, fx, t1.info.files[0]!, 0, 1000, deadlineIn(10_000))
  await first.close()
  const second = await createTestEngine(t, { add_timeout: 5, start_paused: true }, first.dataDir)
  const bare = magnetLink(seeder.infoHash, 'remember.bin')
  const torrent = await withTimeout(second.engine.getOrAddTorrent(seeder.infoHash, bare), 3000, 'getOrAddTorrent (persisted)')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 3 * MiB, 1000, deadlineIn(10_000), 'uncached read with only remembered peers:')
})

test('cached pieces are served to another peer (upload), and counted', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(2 * MiB, 'upload.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const port = await freePort()
  const { engine } = await createTestEngine(t, { add_timeout: 20, listen_port: port })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 0, 8 * P, deadlineIn(10_000))
  await waitFor(() => torrent.stats().piecesCached >= 8, 5000, 'pieces 0-7 cached')
  await seeder.stop() // the engine is now the only source

  const leecher = new WebTorrentProcess()
  t.after(async () => { await leecher.stop() })
  await leecher.request('add', { magnet: magnetLink(seeder.infoHash, 'upload.bin', [], [`127.0.0.1:${port}`]), path: tempDir(t) }, 30_000)
  const r = await leecher.request<{ bytes: number, sha256: string }>('read', { fileIndex: 0, start: P + 5, end: 6 * P - 1, timeoutMs: 20_000 }, 25_000)
  assert.equal(r.bytes, 5 * P - 5)
  assert.equal(r.sha256, createHash('sha256').update(fx.expected(fx.files[0]!.path, P + 5, 5 * P - 5)).digest('hex'), 'bytes a webtorrent leecher got from the engine')
  await waitFor(() => torrent.stats().uploaded >= 5 * P - 5, 5000, `engine stats().uploaded >= ${5 * P - 5} (now ${torrent.stats().uploaded})`)
})

test('max_connections_per_torrent caps connected peers', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * MiB, 'capped.bin'))
  const seeders = await Promise.all([0, 1, 2, 3].map(async () => await startSeeder(t, { path: fx.root, pieceLength: P })))
  const magnet = seeders[0]!.magnet + seeders.slice(1).map((s) => `&x.pe=127.0.0.1:${s.port}`).join('')
  const { engine } = await createTestEngine(t, { add_timeout: 20, max_connections_per_torrent: 2 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeders[0]!.infoHash, magnet), 25_000, 'addTorrent')
  let max = 0
  const reader = torrent.openReader(0)
  for (let off = 0; off < 4 * MiB; off += 256 * KiB) {
    await readAndCompare(reader, fx, torrent.info.files[0]!, off, 256 * KiB, deadlineIn(10_000))
    max = Math.max(max, torrent.stats().peers)
  }
  reader.close()
  const open = (await Promise.all(seeders.map(async (s) => (await s.stats()).openPeerSockets))).reduce((a, b) => a + b, 0)
  assert.ok(max <= 2, `stats().peers reached ${max} with max_connections_per_torrent 2`)
  assert.ok(open <= 2, `the seeders see ${open} open connections with max_connections_per_torrent 2`)
})
