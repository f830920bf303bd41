// Engine conformance: metadata (BEP 9) from a peer hint and from the local tracker,
// add_timeout, shared concurrent adds, listing and stats before any read.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KiB, fixtureDir, multiFileSpec, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { startSeeder, magnetLink } from '../helpers/seeder.ts'
import { startTracker } from '../helpers/tracker.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { assertInfoMatches, expectDomainError, readAndCompare, fileByPath, deadlineIn } from '../helpers/engine-asserts.ts'
import { withTimeout } from '../helpers/wait.ts'

test('metadata from a magnet with an x.pe peer hint (multi-file, nested and non-ASCII names)', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, multiFileSpec(16 * KiB))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })

  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'getOrAddTorrent via x.pe')
  assertInfoMatches(torrent.info, seeder)
  for (const f of fx.files) assert.equal(fileByPath(torrent.info, f.path).length, f.length)
  assert.equal(engine.getTorrent(seeder.infoHash), torrent, 'getTorrent returns the added Torrent')

  const listed = engine.listTorrents().find((s) => s.infoHash === seeder.infoHash)
  assert.ok(listed !== undefined, 'listed after add')
  assert.equal(listed.name, fx.name)
  assert.equal(listed.pieceCount, seeder.pieceCount)
  assert.equal(listed.pieceLength, 16 * KiB)
  assert.notEqual(listed.state, 'metadata')
  assert.ok(listed.addedAt instanceof Date)
  const st = torrent.stats()
  assert.equal(st.infoHash, seeder.infoHash)
  assert.ok(st.progress >= 0 && st.progress <= 1)

  // and the data is there
  const tiny = fileByPath(torrent.info, `${fx.name}/tiny.txt`)
  await readAndCompare(torrent, fx, tiny, 0, tiny.length, deadlineIn(10_000))
})

test('metadata from the local tracker (magnet with &tr= and no x.pe)', { timeout: 60_000 }, async (t) => {
  const tracker = await startTracker(t, { intervalMs: 1000 })
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(300 * KiB, 'tracker only.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 32 * KiB, announce: [tracker.httpUrl] })
  assert.ok(!seeder.magnetNoPeer.includes('x.pe'))
  const { engine } = await createTestEngine(t, { add_timeout: 20 })

  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnetNoPeer), 25_000, 'getOrAddTorrent via tracker')
  assertInfoMatches(torrent.info, seeder)
  assert.equal(torrent.info.files.length, 1)
  assert.equal(torrent.info.files[0]!.path, 'tracker only.bin', 'single-file torrent: path is the name')
  assert.equal(torrent.info.files[0]!.offset, 0)
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 100 * KiB, 50 * KiB, deadlineIn(10_000))
})

test('metadata through a UDP tracker URL', { timeout: 60_000 }, async (t) => {
  const tracker = await startTracker(t, { intervalMs: 1000 })
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(64 * KiB, 'udp.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB, announce: [tracker.udpUrl] })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, magnetLink(seeder.infoHash, seeder.name, [tracker.udpUrl])), 25_000, 'getOrAddTorrent via udp tracker')
  assertInfoMatches(torrent.info, seeder)
})

test('add_timeout: an unknown hash rejects with TimeoutError add_timeout and is not kept', { timeout: 30_000 }, async (t) => {
  const { engine } = await createTestEngine(t, { add_timeout: 1 })
  const hash = 'f'.repeat(40)
  const magnet = magnetLink(hash, 'nobody has this', [], ['127.0.0.1:9'])
  const ms = await expectDomainError(engine.getOrAddTorrent(hash, magnet), 'add_timeout', 1000 + 1500, 'addTorrent(unknown)')
  assert.ok(ms >= 900, `add_timeout fired after ${Math.round(ms)} ms, before the 1 s timeout`)
  assert.equal(engine.getTorrent(hash), undefined, 'getTorrent after add_timeout')
  assert.ok(!engine.listTorrents().some((s) => s.infoHash === hash), 'not listed after add_timeout')
  // a second attempt starts over (and times out again) instead of returning a dead torrent
  await expectDomainError(engine.getOrAddTorrent(hash, magnet), 'add_timeout', 1000 + 1500, 'getOrAddTorrent(unknown) again')
})

test('getOrAddTorrent: concurrent callers share one add and get the same Torrent', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(128 * KiB, 'shared.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const [a, b, c] = await withTimeout(Promise.all([
    engine.getOrAddTorrent(seeder.infoHash, seeder.magnet),
    engine.getOrAddTorrent(seeder.infoHash, seeder.magnet),
    engine.getOrAddTorrent(seeder.infoHash, seeder.magnetNoPeer)
  ]), 25_000, 'concurrent getOrAddTorrent')
  assert.equal(a, b, 'two concurrent getOrAddTorrent calls return the same object')
  assert.equal(a, c)
  assert.equal(await engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), a, 'a later call returns it too')
  assert.equal(engine.getTorrent(seeder.infoHash), a)
  assert.equal(engine.listTorrents().filter((s) => s.infoHash === seeder.infoHash).length, 1, 'listed once')
})

test('removeTorrent of an unknown hash is a no-op', { timeout: 20_000 }, async (t) => {
  const { engine } = await createTestEngine(t)
  await withTimeout(engine.removeTorrent('0'.repeat(40)), 5000, 'removeTorrent(unknown)')
  assert.deepEqual(engine.listTorrents(), [])
  const usage = engine.cacheUsage()
  assert.equal(usage.used, 0)
  assert.equal(usage.limit, 4096 * 1024 * 1024, 'default global_cache_size 4096 MB')
})

test('metadata from several peers at once: one torrent, and reads work (5 fresh engines)', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * 1024 * KiB, 'many peers.bin'))
  const seeders = await Promise.all([0, 1, 2, 3].map(async () => await startSeeder(t, { path: fx.root, pieceLength: 64 * KiB })))
  const magnet = seeders[0]!.magnet + seeders.slice(1).map((s) => `&x.pe=127.0.0.1:${s.port}`).join('')
  for (let i = 0; i < 5; i++) {
    const { engine, close } = await createTestEngine(t, { add_timeout: 20, read_timeout: 10 })
    const torrent = await withTimeout(engine.getOrAddTorrent(seeders[0]!.infoHash, magnet), 25_000, `addTorrent #${i}`)
    assert.equal(engine.listTorrents().length, 1)
    await readAndCompare(torrent, fx, torrent.info.files[0]!, 0, 512 * KiB, deadlineIn(10_000), `engine #${i}, read after metadata from 4 peers:`)
    await readAndCompare(torrent, fx, torrent.info.files[0]!, 3 * 1024 * KiB, 512 * KiB, deadlineIn(10_000), `engine #${i}, second read:`)
    await close()
  }
})
