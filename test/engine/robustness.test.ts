// Engine conformance, harder cases: a seeder leaving mid-read, a peer sending corrupt pieces,
// read windows larger than the cache, rapid seeking with aborted reads, download_limit,
// start_paused making no connection, an empty file in a multi-file torrent.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, openSync, readSync, writeSync, closeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture, rng, type Fixture } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { startTracker } from '../helpers/tracker.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { afterTicks, readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { isDomainError } from '../../src/errors.ts'
import { sleep, withTimeout, waitFor } from '../helpers/wait.ts'

const P = 64 * KiB

/** A copy of the fixture's data with one byte flipped in each of the given torrent pieces (single-file). */
function corruptCopy (fx: Fixture, dir: string, pieces: number[], pieceLength: number): string {
  const f = fx.files[0]!
  const dst = join(dir, fx.name)
  mkdirSync(dirname(dst), { recursive: true })
  copyFileSync(f.absPath, dst)
  const fd = openSync(dst, 'r+')
  try {
    for (const p of pieces) {
      const pos = p * pieceLength + 777
      const b = Buffer.alloc(1)
      readSync(fd, b, 0, 1, pos)
      b[0] = b[0]! ^ 0x5a
      writeSync(fd, b, 0, 1, pos)
    }
  } finally { closeSync(fd) }
  return dst
}

test('a seeder leaving mid-read: the other seeder finishes the read', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(32 * MiB, 'failover.bin'))
  const a = await startSeeder(t, { path: fx.root, pieceLength: P })
  const b = await startSeeder(t, { path: fx.root, pieceLength: P })
  assert.equal(a.infoHash, b.infoHash)
  const magnet = `${a.magnet}&x.pe=127.0.0.1:${b.port}`
  const { engine } = await createTestEngine(t, { add_timeout: 20, read_timeout: 30 })
  const torrent = await withTimeout(engine.getOrAddTorrent(a.infoHash, magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  await waitFor(() => torrent.stats().peers >= 2, 10_000, 'both seeders connected')
  const reader = torrent.openReader(0)
  let stopped = false
  for (let off = 0; off < 32 * MiB; off += 512 * KiB) {
    if (!stopped && off >= 8 * MiB) { await a.stop(); stopped = true }
    await readAndCompare(reader, fx, f, off, 512 * KiB, deadlineIn(20_000), `after seeder A left (offset ${off}):`)
  }
  reader.close()
})

test('a peer sending corrupt pieces: never served, and the piece comes from a good peer', { timeout: 90_000 }, async (t) => {
  const tracker = await startTracker(t, { intervalMs: 1000 })
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(2 * MiB, 'corrupt peer.bin'))
  const good = await startSeeder(t, { path: fx.root, pieceLength: P, announce: [tracker.httpUrl] })
  const badDir = fixtureDir(t).dir
  const badPath = corruptCopy(fx, badDir, [3, 4, 5, 20], P)
  await good.stop() // first only the bad peer exists
  const bad = await startSeeder(t, { path: badPath, pieceLength: P, torrentFile: good.torrentFile, announce: [tracker.httpUrl] })
  assert.equal(bad.infoHash, good.infoHash)

  const { engine } = await createTestEngine(t, { add_timeout: 20, read_timeout: 30 })
  const torrent = await withTimeout(engine.getOrAddTorrent(bad.infoHash, bad.magnet), 25_000, 'getOrAddTorrent from the bad peer (its metadata is right)')
  const f = torrent.info.files[0]!
  await readAndCompare(torrent, fx, f, 0, 3 * P, deadlineIn(10_000), 'intact pieces from the bad peer:')
  try {
    const buf = await torrent.read(0, 3 * P, P, deadlineIn(2000))
    assert.fail(buf.equals(fx.expected(f.path, 3 * P, P)) ? 'piece 3 read correctly although only a corrupt copy exists' : 'the engine returned the corrupt bytes of piece 3')
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err
    assert.ok(isDomainError(err) && err.code === 'read_timeout', `corrupt-only piece rejected with ${String(err)}, expected read_timeout`)
  }
  // a good seeder appears (through the tracker): the pieces the bad peer corrupts now arrive intact
  await startSeeder(t, { path: fx.root, pieceLength: P, announce: [tracker.httpUrl] })
  await readAndCompare(torrent, fx, f, 3 * P, 3 * P, deadlineIn(25_000), 'corrupt pieces once a good seeder exists:')
  await readAndCompare(torrent, fx, f, 20 * P - 10, 20, deadlineIn(25_000), 'piece 20:')
  await readAndCompare(torrent, fx, f, 0, f.length, deadlineIn(25_000), 'whole file:')
})

test('read windows larger than the cache: 4 concurrent sequential readers through a 1 MB cache finish', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(32 * MiB, 'pinned.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 256 * KiB })
  const { engine } = await createTestEngine(t, { add_timeout: 20, global_cache_size: 1 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  let bytesRead = 0
  await Promise.all([0, 1, 2, 3].map(async (i) => {
    const reader = torrent.openReader(0)
    try {
      const start = i * 8 * MiB + i * 4099
      for (let off = start; off < start + 6 * MiB; off += 192 * KiB) {
        await readAndCompare(reader, fx, f, off, 192 * KiB, deadlineIn(20_000), `reader ${i}:`)
        bytesRead += 192 * KiB
      }
    } finally { reader.close() }
  }))
  const st = torrent.stats()
  t.diagnostic(`read ${bytesRead} bytes, downloaded ${st.downloaded} (${(st.downloaded / bytesRead).toFixed(2)}x), cache used ${engine.cacheUsage().used}`)
  assert.ok(engine.cacheUsage().used <= 1024 * 1024, `cache used ${engine.cacheUsage().used} bytes after the readers closed, budget 1 MiB`)
  assert.ok(st.downloaded / bytesRead < 3, `downloaded ${st.downloaded} bytes to read ${bytesRead} (${(st.downloaded / bytesRead).toFixed(2)}x)`)
})

test('rapid seeking with aborted reads: later reads are fast and right, stale work is dropped', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(64 * MiB, 'seeking.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 256 * KiB })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  const reader = torrent.openReader(0)
  const rand = rng(1234)
  const outcomes: string[] = []
  for (let i = 0; i < 40; i++) {
    const ac = new AbortController()
    const off = Math.floor(rand() * (f.length - MiB))
    const p = reader.read(off, 64 * KiB, { deadline: Date.now() + 30_000, signal: ac.signal })
      .then((buf) => { outcomes.push(buf.equals(fx.expected(f.path, off, 64 * KiB)) ? 'ok' : 'WRONG') }, () => { outcomes.push('aborted') })
    await sleep(Math.floor(rand() * 15))
    ac.abort()
    await withTimeout(p, 2000, `aborted read #${i} to settle`)
  }
  assert.ok(!outcomes.includes('WRONG'), 'a read that resolved before its abort returned wrong bytes')
  const before = torrent.stats().downloaded
  await afterTicks(torrent, 2)
  const drift = torrent.stats().downloaded - before
  t.diagnostic(`${outcomes.filter((o) => o === 'aborted').length}/40 reads aborted; ${drift} bytes arrived in the second after the last abort; total downloaded ${torrent.stats().downloaded}`)
  for (let i = 0; i < 8; i++) {
    const off = Math.floor(rand() * (f.length - MiB))
    const t0 = performance.now()
    await readAndCompare(reader, fx, f, off, 100 * KiB, deadlineIn(10_000), `read after seeking #${i}:`)
    assert.ok(performance.now() - t0 < 5000, `read after rapid seeking took ${Math.round(performance.now() - t0)} ms`)
  }
  reader.close()
})

test('download_limit (KiB/s) bounds the transfer rate', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(8 * MiB, 'limited.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20, read_timeout: 30, download_limit: 1024 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  const t0 = performance.now()
  await readAndCompare(torrent, fx, f, 2 * MiB, 3 * MiB, deadlineIn(30_000), 'limited read:')
  const secs = (performance.now() - t0) / 1000
  t.diagnostic(`3 MiB at download_limit 1024 KiB/s took ${secs.toFixed(2)} s`)
  // allow a one-second burst: at least 2 s for 3 MiB at 1 MiB/s
  assert.ok(secs >= 1.9, `3 MiB arrived in ${secs.toFixed(2)} s with download_limit 1024 KiB/s`)
})

test('start_paused: an added torrent stays connected; a restarted one makes no connection until it is read', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * MiB, 'paused.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const first = await createTestEngine(t, { add_timeout: 20, start_paused: true })
  const t1 = await withTimeout(first.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  // added at runtime (an assignment): active with its connections, ready for the first read
  assert.equal(t1.stats().state, 'active', 'start_paused is about loading at startup, not adding')
  assert.ok(t1.stats().peers > 0)
  await readAndCompare(t1, fx, t1.info.files[0]!, 0, 1000, deadlineIn(10_000))
  await first.close()
  await waitFor(async () => (await seeder.stats()).openPeerSockets === 0, 5000, 'seeder to see the first engine disconnect')

  const s0 = await seeder.stats()
  const second = await createTestEngine(t, { add_timeout: 20, start_paused: true }, first.dataDir)
  const loaded = second.engine.getTorrent(seeder.infoHash)
  assert.ok(loaded !== undefined, 'the persisted torrent is loaded')
  await afterTicks(loaded, 4, 'four ticks paused')
  const s1 = await seeder.stats()
  const listed = second.engine.listTorrents().find((s) => s.infoHash === seeder.infoHash)
  assert.equal(listed?.state, 'paused')
  assert.equal(s1.peerSockets - s0.peerSockets, 0, `a paused torrent opened ${s1.peerSockets - s0.peerSockets} connection(s) to the seeder`)
  assert.equal(s1.bytes - s0.bytes, 0, 'bytes crossed peer sockets for a paused torrent')
  const torrent = await withTimeout(second.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 3000, 'getOrAddTorrent')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 2 * MiB, 1000, deadlineIn(10_000), 'first read wakes the paused torrent:')
  assert.equal(torrent.stats().state, 'active')
})

test('an empty file inside a multi-file torrent reads as zero bytes', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, { name: 'with empty', files: [{ path: 'a.bin', length: P + 5 }, { path: 'b empty.txt', length: 0 }, { path: 'c.bin', length: 1000 }] })
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const empty = torrent.info.files.find((x) => x.path === 'with empty/b empty.txt')
  if (empty === undefined) {
    t.diagnostic(`create-torrent left the empty file out: ${JSON.stringify(torrent.info.files.map((x) => x.path))}`)
  } else {
    assert.equal(empty.length, 0)
    const buf = await withTimeout(torrent.read(empty.index, 0, 100, deadlineIn(5000)), 6000, 'read of an empty file')
    assert.equal(buf.length, 0)
  }
  const c = torrent.info.files.find((x) => x.path === 'with empty/c.bin')!
  await readAndCompare(torrent, fx, c, 0, 1000, deadlineIn(10_000))
})


test('uTP only (tcp: false): metadata and reads over uTP; close() is prompt', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * MiB, 'utp.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P, utp: true })
  const { engine, close } = await createTestEngine(t, { add_timeout: 20, tcp: false, utp: true })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'getOrAddTorrent over uTP')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, MiB, 2 * MiB, deadlineIn(20_000), 'over uTP:')
  const st = await seeder.stats()
  t.diagnostic(`seeder wires: ${JSON.stringify(st.wireTypes)}`)
  assert.ok(st.wireTypes.length > 0 && st.wireTypes.every((w) => w.startsWith('utp')), `seeder wires ${JSON.stringify(st.wireTypes)}, expected uTP only`)
  const t0 = performance.now()
  await withTimeout(close(), 5000, 'engine.close() with a live uTP peer')
  t.diagnostic(`close() with a live uTP peer took ${Math.round(performance.now() - t0)} ms`)
})

test('uTP: close() after the uTP peer vanished is bounded', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(1 * MiB, 'utp gone.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P, utp: true })
  const { engine, close } = await createTestEngine(t, { add_timeout: 20, tcp: false, utp: true })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'getOrAddTorrent over uTP')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 0, 1000, deadlineIn(20_000), 'over uTP:')
  await seeder.stop()
  const t0 = performance.now()
  try {
    await withTimeout(close(), 5000, 'engine.close() after its only (uTP) peer vanished')
  } finally {
    t.diagnostic(`close() after the uTP peer vanished: ${Math.round(performance.now() - t0)} ms so far`)
  }
})
