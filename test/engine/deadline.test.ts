// Engine conformance: reads never hang. With no seeder a read rejects with read_timeout at its
// deadline (explicit, or read_timeout from the config); an aborted read rejects at once; when
// a seeder comes back (same address, or a new address known only to the tracker) reads succeed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { startTracker } from '../helpers/tracker.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { expectDomainError, readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { withTimeout, waitFor } from '../helpers/wait.ts'

const P = 64 * KiB
const MARGIN = 1000

test('read deadline with no seeder -> read_timeout; the same seeder comes back -> the read succeeds', { timeout: 90_000 }, async (t) => {
  const tracker = await startTracker(t, { intervalMs: 1000 })
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * MiB, 'deadline.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P, announce: [tracker.httpUrl] })
  const { engine } = await createTestEngine(t, { add_timeout: 20, read_timeout: 2 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  await readAndCompare(torrent, fx, f, 0, 10 * KiB, deadlineIn(10_000), 'with seeder:')

  await seeder.stop()
  await waitFor(() => torrent.stats().peers === 0, 10_000, 'engine to notice the seeder left (stats().peers === 0)')

  // explicit deadline
  const ms = await expectDomainError(torrent.read(0, 3 * MiB + 5, 10 * KiB, deadlineIn(1500)), 'read_timeout', 1500 + MARGIN, 'read with a 1.5 s deadline and no seeder')
  assert.ok(ms >= 1300, `read_timeout after ${Math.round(ms)} ms, before its 1.5 s deadline`)
  // through a reader too
  const reader = torrent.openReader(0)
  await expectDomainError(reader.read(2 * MiB, 100, deadlineIn(1000)), 'read_timeout', 1000 + MARGIN, 'reader.read with a 1 s deadline and no seeder')
  reader.close()
  // no deadline: read_timeout from the config (2 s)
  const ms2 = await expectDomainError(torrent.read(0, 3 * MiB + 100, 100), 'read_timeout', 2000 + MARGIN, 'read without a deadline (config read_timeout 2 s)')
  assert.ok(ms2 >= 1800, `config read_timeout fired after ${Math.round(ms2)} ms, before 2 s`)
  // an aborted read rejects at once
  const ac = new AbortController()
  const t0 = performance.now()
  const aborted = torrent.read(0, 3 * MiB + 200, 100, { deadline: Date.now() + 30_000, signal: ac.signal })
  setTimeout(() => ac.abort(), 200)
  await assert.rejects(withTimeout(aborted, 200 + MARGIN, 'aborted read to reject'), (err: Error) => err.name !== 'WaitTimeout')
  assert.ok(performance.now() - t0 < 200 + MARGIN)

  // the seeder comes back at the same address (peer hint / known peer) and on the tracker
  await startSeeder(t, { path: fx.root, pieceLength: P, announce: [tracker.httpUrl], port: seeder.port })
  const t1 = performance.now()
  await readAndCompare(torrent, fx, f, 3 * MiB + 5, 10 * KiB, deadlineIn(20_000), 'after the seeder came back:')
  t.diagnostic(`read after the seeder came back took ${Math.round(performance.now() - t1)} ms`)
})

test('a seeder at a new address, known only to the tracker, is found for a blocked read', { timeout: 90_000 }, async (t) => {
  const tracker = await startTracker(t, { intervalMs: 1000 })
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(2 * MiB, 'moved.bin'))
  const first = await startSeeder(t, { path: fx.root, pieceLength: P, announce: [tracker.httpUrl] })
  const { engine } = await createTestEngine(t, { add_timeout: 20, read_timeout: 30 })
  const torrent = await withTimeout(engine.getOrAddTorrent(first.infoHash, first.magnetNoPeer), 25_000, 'getOrAddTorrent via tracker')
  const f = torrent.info.files[0]!
  await readAndCompare(torrent, fx, f, 0, 1000, deadlineIn(10_000), 'first seeder:')
  await first.stop()
  await waitFor(() => torrent.stats().peers === 0, 10_000, 'engine to notice the seeder left')
  await expectDomainError(torrent.read(0, MiB, 1000, deadlineIn(1000)), 'read_timeout', 1000 + MARGIN, 'read with no seeder')

  const second = await startSeeder(t, { path: fx.root, pieceLength: P, announce: [tracker.httpUrl] })
  assert.notEqual(second.port, first.port)
  const t1 = performance.now()
  await readAndCompare(torrent, fx, f, MiB, 1000, deadlineIn(25_000), 'second seeder (tracker only):')
  t.diagnostic(`found the moved seeder through the tracker in ${Math.round(performance.now() - t1)} ms`)
})
