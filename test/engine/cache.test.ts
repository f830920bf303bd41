// Engine conformance: a piece cache bounded in bytes. global_cache_size is in MB: 1 MB with
// 256 KiB pieces holds 4 pieces. Reading a 64 MiB file sequentially through it must give the
// right bytes without refetching much (downloaded / size < 1.5), and the cache (memory
// accounting and disk) must stay within the budget.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { createTestEngine, folderBytes } from '../helpers/engine.ts'
import { readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'

const P = 256 * KiB
const SIZE = 64 * MiB

test('4-piece cache (1 MB, 256 KiB pieces): a 64 MiB file read sequentially, right bytes, downloaded/size < 1.5', { timeout: 180_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(SIZE, 'cache64.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine, cfg } = await createTestEngine(t, { add_timeout: 20, global_cache_size: 1 })
  assert.equal(engine.cacheUsage().limit, 1024 * 1024, 'cacheUsage().limit is global_cache_size MB in bytes')
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  assert.equal(torrent.info.pieceLength, P)

  const reader = torrent.openReader(0)
  const want = createHash('sha256')
  const got = createHash('sha256')
  const CHUNK = 64 * KiB
  let maxUsed = 0
  let maxDisk = 0
  const t0 = performance.now()
  for (let off = 0; off < SIZE; off += CHUNK) {
    const buf = await reader.read(off, CHUNK, deadlineIn(20_000))
    assert.equal(buf.length, CHUNK, `read at ${off} returned ${buf.length} bytes`)
    const exp = fx.expected(f.path, off, CHUNK)
    if (!buf.equals(exp)) assert.fail(`bytes differ from the source in the chunk at ${off}`)
    got.update(buf)
    want.update(exp)
    maxUsed = Math.max(maxUsed, engine.cacheUsage().used, torrent.stats().cacheBytes)
    if (off % (4 * MiB) === 0) maxDisk = Math.max(maxDisk, folderBytes(cfg.cache_folder))
  }
  reader.close()
  const secs = (performance.now() - t0) / 1000
  assert.equal(got.digest('hex'), want.digest('hex'))
  const st = torrent.stats()
  t.diagnostic(`64 MiB through a 1 MB cache in ${secs.toFixed(1)} s (${(SIZE / MiB / secs).toFixed(1)} MiB/s); downloaded ${st.downloaded} bytes (${(st.downloaded / SIZE).toFixed(3)}x); max cache used ${maxUsed}; max disk ${maxDisk}`)
  assert.ok(st.downloaded >= SIZE, `stats().downloaded ${st.downloaded} is less than the bytes read (${SIZE}): downloaded is not counted`)
  assert.ok(st.downloaded / SIZE < 1.5, `downloaded ${st.downloaded} bytes for a ${SIZE}-byte file (${(st.downloaded / SIZE).toFixed(2)}x, limit 1.5x)`)
  assert.ok(maxUsed <= 1024 * 1024, `cache used ${maxUsed} bytes, budget 1 MiB`)
  assert.ok(st.piecesCached <= 4, `piecesCached ${st.piecesCached} > 4`)
  // disk: at most the budget plus one piece in flight, plus small bookkeeping
  assert.ok(maxDisk <= 1024 * 1024 + P + 64 * KiB, `cache folder held ${maxDisk} bytes during the read, budget 1 MiB`)
  assert.ok(folderBytes(cfg.cache_folder) <= 1024 * 1024 + P + 64 * KiB, `cache folder holds ${folderBytes(cfg.cache_folder)} bytes after the read`)

  // going back to the start refetches evicted pieces and still gives the right bytes
  await readAndCompare(torrent, fx, f, 0, 100 * KiB, deadlineIn(20_000), 'back to the start:')
  await readAndCompare(torrent, fx, f, SIZE - 3 * P - 7, 2 * P, deadlineIn(20_000), 'near the end:')
})

test('cache budget is shared across torrents', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const a = writeFixture(dir, singleFileSpec(8 * MiB, 'a.bin', 'seed-a'))
  const b = writeFixture(dir, singleFileSpec(8 * MiB, 'b.bin', 'seed-b'))
  const sa = await startSeeder(t, { path: a.root, pieceLength: P })
  const sb = await startSeeder(t, { path: b.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20, global_cache_size: 2 })
  const ta = await withTimeout(engine.getOrAddTorrent(sa.infoHash, sa.magnet), 25_000, 'add a')
  const tb = await withTimeout(engine.getOrAddTorrent(sb.infoHash, sb.magnet), 25_000, 'add b')
  const ra = ta.openReader(0)
  const rb = tb.openReader(0)
  let maxUsed = 0
  for (let off = 0; off < 8 * MiB; off += 512 * KiB) {
    await Promise.all([
      readAndCompare(ra, a, ta.info.files[0]!, off, 512 * KiB, deadlineIn(20_000), 'a:'),
      readAndCompare(rb, b, tb.info.files[0]!, off, 512 * KiB, deadlineIn(20_000), 'b:')
    ])
    const used = engine.cacheUsage().used
    maxUsed = Math.max(maxUsed, used)
    assert.equal(used, ta.stats().cacheBytes + tb.stats().cacheBytes, 'cacheUsage().used is the sum of the torrents\' cacheBytes')
  }
  ra.close()
  rb.close()
  assert.ok(maxUsed <= 2 * 1024 * 1024, `cache used ${maxUsed} bytes across two torrents, budget 2 MiB`)
})

test('a cache full of pinned pieces: a piece the cache refuses is fetched once for all the reads of it', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(8 * MiB, 'refused.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20, global_cache_size: 1 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  // four pinned pieces fill the 4-piece cache: every other piece is delivered, then refused
  const pins = torrent.prefetch(0, 4 * MiB, 4 * P, 'background')
  t.after(() => { pins.release() })
  await waitFor(() => torrent.stats().piecesCached === 4, 20_000, 'the four pinned pieces cached')
  const before = torrent.stats().downloaded
  // a streamed response reads a piece in several parts, the reader's window on the piece read
  const reader = torrent.openReader(0, { readaheadBytes: P })
  const CHUNK = 64 * KiB
  const PIECES = 4
  try {
    for (let off = 0; off < PIECES * P; off += CHUNK) await readAndCompare(reader, fx, f, off, CHUNK, deadlineIn(20_000), 'refused pieces:')
  } finally { reader.close() }
  const downloaded = torrent.stats().downloaded - before
  t.diagnostic(`${PIECES} refused pieces read in ${PIECES * P / CHUNK} reads: ${downloaded} bytes downloaded (${(downloaded / P).toFixed(1)} pieces)`)
  // the pieces read and the window's one piece ahead, each once; a refetch per read is 16
  assert.ok(downloaded <= (PIECES + 2) * P, `downloaded ${downloaded} bytes (${(downloaded / P).toFixed(1)} pieces) to read ${PIECES} pieces: refused pieces fetched again for each read`)
  assert.equal(torrent.stats().piecesCached, 4, 'the pinned pieces stay cached')
})

test('direct writes: whole-page pieces reach the cache folder past the page cache, the short last one through it, and all read back byte-exact after a restart without the swarm', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  // 12 pieces of 256 KiB and a last one of 100 KiB (not a whole number of pages)
  const size = 12 * P + 100 * KiB
  const fx = writeFixture(dir, singleFileSpec(size, 'direct.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const first = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(first.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  await readAndCompare(torrent, fx, f, 0, size, deadlineIn(30_000), 'whole file:')
  await waitFor(() => torrent.stats().piecesCached === 13, 10_000, 'every piece written')
  const c = first.engine.poolCounters!()
  // the suite's temporary folder is on a filesystem that takes O_DIRECT here (ext4); one that
  // refuses it would show 0 direct and 13 buffered, and this test says so
  assert.deepEqual({ direct: c.directWrites, buffered: c.bufferedWrites }, { direct: 12, buffered: 1 })
  await first.close()
  await seeder.stop()
  const second = await createTestEngine(t, { add_timeout: 20 }, first.dataDir)
  const again = await withTimeout(second.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 10_000, 'load persisted')
  await readAndCompare(again, fx, again.info.files[0]!, 0, size, deadlineIn(10_000), 'from the cache, no swarm:')
  assert.equal(again.stats().downloaded, 0, 'nothing fetched: every piece file was whole and right')
})
