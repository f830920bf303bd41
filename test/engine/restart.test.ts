// Engine conformance: persistence. After close() and a new engine on the same folders the
// torrent is listed, its metadata needs no swarm, cached pieces read with no peers, and a
// piece corrupted on disk is never served (it is fetched again once a seeder is back).
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture, type Fixture } from '../helpers/fixtures.ts'
import { startSeeder, type Seeder } from '../helpers/seeder.ts'
import { createTestEngine, listFiles, type TestEngine } from '../helpers/engine.ts'
import { expectDomainError, readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { isDomainError } from '../../src/errors.ts'
import { withTimeout, waitFor } from '../helpers/wait.ts'

const P = 64 * KiB

async function firstRun (t: TestContext, name: string): Promise<{ fx: Fixture, seeder: Seeder, first: TestEngine }> {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * MiB, name))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const first = await createTestEngine(t, { add_timeout: 20, start_paused: false })
  const torrent = await withTimeout(first.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  // cache pieces 0-7 and 32
  await readAndCompare(torrent, fx, f, 0, 8 * P, deadlineIn(15_000), 'first run:')
  await readAndCompare(torrent, fx, f, 32 * P, P, deadlineIn(15_000), 'first run:')
  // pieces are written to the cache asynchronously: allow the writes to land
  const t0 = performance.now()
  await waitFor(() => torrent.stats().piecesCached >= 9, 5000, `piecesCached >= 9 after reading 9 pieces (now ${torrent.stats().piecesCached})`)
  t.diagnostic(`piecesCached reached 9 ${Math.round(performance.now() - t0)} ms after the reads returned`)
  await first.close()
  await seeder.stop()
  return { fx, seeder, first }
}

test('restart: listed, metadata without a swarm, cached ranges readable with no peers', { timeout: 90_000 }, async (t) => {
  const { fx, seeder, first } = await firstRun(t, 'restart.bin')

  const t0 = performance.now()
  const second = await createTestEngine(t, { add_timeout: 2, start_paused: true }, first.dataDir)
  const listed = second.engine.listTorrents().find((s) => s.infoHash === seeder.infoHash)
  assert.ok(listed !== undefined, `torrent not listed after restart (listed: ${JSON.stringify(second.engine.listTorrents().map((s) => s.infoHash))})`)
  assert.equal(listed.name, 'restart.bin')
  assert.equal(listed.pieceCount, 64)
  assert.ok(listed.piecesCached >= 9, `piecesCached ${listed.piecesCached} after restart, expected >= 9 (no rehash loss)`)
  assert.equal(listed.state, 'paused', 'start_paused: a loaded torrent is paused until read')

  // no seeder anywhere: this can only resolve from persisted metadata
  const torrent = await withTimeout(second.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 1500, 'getOrAddTorrent from persisted metadata (no seeder running)')
  assert.equal(torrent.info.infoHash, seeder.infoHash)
  assert.equal(torrent.info.pieceCount, 64)
  assert.equal(second.engine.getTorrent(seeder.infoHash), torrent)
  const f = torrent.info.files[0]!
  await readAndCompare(torrent, fx, f, 0, 8 * P, deadlineIn(3000), 'cached range after restart:')
  await readAndCompare(torrent, fx, f, 32 * P + 100, P - 200, deadlineIn(3000), 'cached piece 32 after restart:')
  t.diagnostic(`restart to cached bytes in ${Math.round(performance.now() - t0)} ms`)
  assert.equal(torrent.stats().downloaded, 0, 'nothing downloaded: cached reads came from disk')
  await expectDomainError(torrent.read(0, 20 * P, 10, deadlineIn(1000)), 'read_timeout', 2000, 'uncached read with no seeder after restart')

  // the seeder comes back where it was: uncached data flows again
  await startSeeder(t, { path: fx.root, pieceLength: P, port: seeder.port })
  await readAndCompare(torrent, fx, f, 20 * P, 2 * P, deadlineIn(20_000), 'uncached after the seeder came back:')
})

test('restart: a cached piece corrupted on disk is detected, never served, and refetched', { timeout: 90_000 }, async (t) => {
  const { fx, seeder, first } = await firstRun(t, 'corrupt.bin')
  const f0 = fx.files[0]!
  // find piece 3's bytes in the cache folder, whatever the layout, and flip one
  const sampleAt = 3 * P + 1000
  const sample = fx.expected(f0.path, sampleAt, 4096)
  let corrupted: string | undefined
  for (const file of listFiles(first.cfg.cache_folder)) {
    const data = readFileSync(file)
    const pos = data.indexOf(sample)
    if (pos < 0) continue
    data[pos + 100] = data[pos + 100]! ^ 0xff
    writeFileSync(file, data)
    corrupted = file
  }
  assert.ok(corrupted !== undefined, `piece 3's bytes were not found in any file under cache_folder (${listFiles(first.cfg.cache_folder).length} files): cannot corrupt it`)

  const second = await createTestEngine(t, { add_timeout: 2, start_paused: false }, first.dataDir)
  const torrent = await withTimeout(second.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 3000, 'getOrAddTorrent from persisted metadata')
  const f = torrent.info.files[0]!
  await readAndCompare(torrent, fx, f, 2 * P, P, deadlineIn(3000), 'intact piece 2:')
  await readAndCompare(torrent, fx, f, 4 * P, P, deadlineIn(3000), 'intact piece 4:')
  try {
    const buf = await torrent.read(0, 3 * P, P, deadlineIn(1500))
    assert.fail(buf.equals(fx.expected(f.path, 3 * P, P))
      ? 'the corrupted piece 3 read back correct with no seeder (was the corruption not persisted?)'
      : 'the engine served the corrupted bytes of piece 3')
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err
    assert.ok(isDomainError(err) && err.code === 'read_timeout', `corrupted piece read rejected with ${String(err)}, expected read_timeout`)
  }
  await startSeeder(t, { path: fx.root, pieceLength: P, port: seeder.port })
  await readAndCompare(torrent, fx, f, 3 * P, P, deadlineIn(20_000), 'corrupted piece 3 after the seeder came back:')
})
