// Engine conformance: per-torrent idle. After idle_timeout with no reads the torrent is
// 'idle' and not one byte crosses a peer socket (measured at the seeder: payload uploaded,
// bytes read+written on every peer TCP socket, open connections) nor in the engine's stats;
// a read then resumes at once.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { startTracker } from '../helpers/tracker.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { afterTicks, readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { withTimeout, waitFor } from '../helpers/wait.ts'

const P = 64 * KiB
const IDLE_S = 1.5
const WINDOW_MS = 3000

test('idle: zero bytes on the wire after idle_timeout, and a read resumes', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(16 * MiB, 'idle.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20, idle_enabled: true, idle_timeout: IDLE_S, idle_check_interval: 0.1 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  // a reader with a read-ahead window, then nothing
  const reader = torrent.openReader(0)
  await readAndCompare(reader, fx, f, 0, 256 * KiB, deadlineIn(10_000), 'before idle:')
  reader.close()
  const activeAt = Date.now()

  await waitFor(() => torrent.stats().state === 'idle', IDLE_S * 1000 + 5000, `state 'idle' within idle_timeout (${IDLE_S} s) + 5 s`)
  const idleAfter = (Date.now() - activeAt) / 1000
  t.diagnostic(`idle after ${idleAfter.toFixed(2)} s (idle_timeout ${IDLE_S} s)`)
  assert.ok(idleAfter >= IDLE_S - 0.2, `went idle after ${idleAfter.toFixed(2)} s, before idle_timeout ${IDLE_S} s`)
  const idleListed = engine.listTorrents().find((s) => s.infoHash === seeder.infoHash)
  assert.equal(idleListed?.state, 'idle', 'listTorrents shows idle')

  // let in-flight traffic (cancels, disconnects) settle, then measure a window
  await afterTicks(torrent, 1, 'in-flight traffic settles')
  const s0 = await seeder.stats()
  const e0 = torrent.stats()
  await afterTicks(torrent, WINDOW_MS / 500, 'the idle window')
  const s1 = await seeder.stats()
  const e1 = torrent.stats()
  t.diagnostic(`idle window ${WINDOW_MS} ms: seeder socket bytes +${s1.bytes - s0.bytes}, payload +${s1.uploaded - s0.uploaded}, open peer sockets ${s1.openPeerSockets}, wires ${s1.wires}; engine downloaded +${e1.downloaded - e0.downloaded}, uploaded +${e1.uploaded - e0.uploaded}, peers ${e1.peers}, downloadRate ${e1.downloadRate}`)
  assert.equal(s1.uploaded - s0.uploaded, 0, 'seeder uploaded payload bytes during the idle window')
  assert.equal(s1.bytes - s0.bytes, 0, 'bytes crossed peer sockets (seeder side) during the idle window')
  assert.equal(e1.downloaded - e0.downloaded, 0, 'engine stats().downloaded grew during the idle window')
  assert.equal(e1.uploaded - e0.uploaded, 0, 'engine stats().uploaded grew during the idle window')
  assert.equal(e1.state, 'idle')
  assert.equal(s1.openPeerSockets, 0, `seeder still has ${s1.openPeerSockets} open connection(s) from the idle engine (keep-alives would cross them)`)
  assert.equal(s1.wires, 0, 'seeder still has wires to the idle engine')
  assert.equal(e1.peers, 0, 'idle engine reports connected peers')

  // a read resumes: uncached range, short deadline
  const t0 = performance.now()
  await readAndCompare(torrent, fx, f, 9 * MiB + 3, 100 * KiB, deadlineIn(10_000), 'after idle:')
  const resumeMs = performance.now() - t0
  t.diagnostic(`first read after idle took ${Math.round(resumeMs)} ms`)
  assert.ok(resumeMs < 5000, `resuming from idle took ${Math.round(resumeMs)} ms`)
  assert.equal(torrent.stats().state, 'active', 'a read makes the torrent active again')
  assert.ok(torrent.stats().knownPeers >= 1, 'the seeder is remembered as a known peer')
})

test('idle: stats() rates fall to 0 once nothing moves', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * MiB, 'rates.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20, idle_enabled: true, idle_timeout: IDLE_S, idle_check_interval: 0.1 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 0, 2 * MiB, deadlineIn(10_000))
  await waitFor(() => torrent.stats().state === 'idle', IDLE_S * 1000 + 5000, 'state idle')
  const atIdle = torrent.stats()
  await afterTicks(torrent, 10, 'ten ticks idle')
  const later = torrent.stats()
  assert.equal(later.downloadRate, 0, `downloadRate is ${later.downloadRate} B/s after ${IDLE_S} s without reads + 5 s idle (was ${atIdle.downloadRate} when it went idle): a stale rate`)
  assert.equal(later.uploadRate, 0, `uploadRate is ${later.uploadRate} B/s while idle`)
})

test('idle: no tracker announces while idle; announces resume on a read', { timeout: 90_000 }, async (t) => {
  const tracker = await startTracker(t, { intervalMs: 1000 })
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(2 * MiB, 'idle tracker.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P, announce: [tracker.httpUrl] })
  const { engine } = await createTestEngine(t, { add_timeout: 20, idle_enabled: true, idle_timeout: IDLE_S, idle_check_interval: 0.1 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnetNoPeer), 25_000, 'getOrAddTorrent via tracker')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 0, 1000, deadlineIn(10_000))
  await waitFor(() => tracker.announcesFrom('-MM') > 0, 5000, 'the engine to announce')
  await waitFor(() => torrent.stats().state === 'idle', IDLE_S * 1000 + 5000, 'state idle')
  await afterTicks(torrent, 1, 'a \'stopped\' announce on going idle (that one is fine)')
  const since = Date.now()
  await afterTicks(torrent, 8, 'four tracker intervals')
  const during = tracker.log.filter((e) => e.peerId.startsWith(Buffer.from('-MM').toString('hex')) && e.at >= since)
  assert.equal(during.length, 0, `the idle engine announced ${during.length} time(s) in 4 s (tracker interval 1 s): ${JSON.stringify(during)}`)
  await readAndCompare(torrent, fx, torrent.info.files[0]!, MiB, 1000, deadlineIn(10_000), 'after idle:')
})

test('idle_enabled false: a torrent never goes idle', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(1 * MiB, 'noidle.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20, idle_enabled: false, idle_timeout: 0.5, idle_check_interval: 0.1 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 0, 1000, deadlineIn(10_000))
  await afterTicks(torrent, 3, 'three times idle_timeout')
  assert.notEqual(torrent.stats().state, 'idle')
})

test('idle: a sleeping torrent holds no piece memory, not even the pieces a seek left half-fetched', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(16 * MiB, 'orphans.bin'))
  // slow enough that the window behind the first read is still in flight at the seek
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 256 * KiB, uploadLimit: 2 * MiB })
  const { engine } = await createTestEngine(t, { add_timeout: 20, idle_enabled: true, idle_timeout: IDLE_S, idle_check_interval: 0.1 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  const reader = torrent.openReader(0, { readaheadBytes: 4 * MiB })
  await readAndCompare(reader, fx, f, 0, 64 * KiB, deadlineIn(10_000), 'start:')
  await readAndCompare(reader, fx, f, 12 * MiB, 64 * KiB, deadlineIn(10_000), 'seek:')
  // the pieces still in flight will never complete: nobody wants them, and their peer is gone
  await seeder.stop()
  reader.close()
  const held = engine.poolCounters!()
  t.diagnostic(`after the seek: ${held.inUse} pieces of memory in use, ${held.slabBytes / MiB} MiB of slabs`)
  await waitFor(() => torrent.stats().state === 'idle', IDLE_S * 1000 + 5000, 'state idle')
  // the hot set and the pool let go of theirs 1-1.5 s after their last use
  const free = await waitFor(() => { const c = engine.poolCounters!(); return c.inUse === 0 && c.slabBytes === 0 }, 5000, 'no piece memory held while idle', 50)
    .then(() => true, () => false)
  const left = engine.poolCounters!()
  assert.ok(free, `while idle: ${left.inUse} pieces of memory in use, ${left.slabBytes} bytes of slabs`)
})
