// Engine conformance: faults that used to lose or corrupt something (issue 10, items 5-7).
// - Peers are kept across restarts: a start_paused load must not forget where the swarm was.
// - A cached piece changed on disk after it was verified is never served: it is re-hashed,
//   dropped and fetched again within the same read.
// - A full disk leaves no temp files behind, reads still settle, and the cache works again
//   once space is freed.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture, type Fixture } from '../helpers/fixtures.ts'
import { startSeeder, type Seeder } from '../helpers/seeder.ts'
import { startTracker } from '../helpers/tracker.ts'
import { createTestEngine, folderBytes, listFiles, type TestEngine } from '../helpers/engine.ts'
import { deadlineIn, readAndCompare } from '../helpers/engine-asserts.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'
import { HOT_PIECES } from '../../src/torrent/service.ts'
import type { Torrent } from '../../src/torrent/types.ts'

const P = 64 * KiB

/** A start_paused engine on `dataDir` that loads the torrent, checks it is paused and closes again. */
async function restartWithoutRead (t: TestContext, dataDir: string, infoHash: string, run: string): Promise<void> {
  const e = await createTestEngine(t, { start_paused: true, add_timeout: 2 }, dataDir)
  const listed = e.engine.listTorrents().find((s) => s.infoHash === infoHash)
  assert.ok(listed !== undefined, `${run}: the torrent is not loaded`)
  assert.equal(listed.state, 'paused', `${run}: start_paused loads the torrent paused`)
  await e.close()
}

/** Two start_paused restarts without a read, then a third start whose uncached read must reach the swarm. */
async function readAfterTwoIdleRestarts (t: TestContext, dataDir: string, seeder: Seeder, fx: Fixture, offset: number, length: number, why: string): Promise<Torrent> {
  await restartWithoutRead(t, dataDir, seeder.infoHash, 'restart 1')
  await restartWithoutRead(t, dataDir, seeder.infoHash, 'restart 2')
  const third = await createTestEngine(t, { start_paused: true, add_timeout: 2 }, dataDir)
  const torrent = third.engine.getTorrent(seeder.infoHash)
  assert.ok(torrent !== undefined, 'restart 3: the torrent is not loaded')
  assert.ok(torrent.stats().knownPeers >= 1, `restart 3: ${torrent.stats().knownPeers} known peers: ${why}`)
  await readAndCompare(torrent, fx, torrent.info.files[0]!, offset, length, deadlineIn(20_000), 'restart 3, uncached read:')
  return torrent
}

test('peers: a start_paused torrent reachable only through its magnet x.pe hint survives two restarts without a read', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(2 * MiB, 'hint-only.bin'))
  // no tracker, DHT/LSD/PEX off (createTestEngine): the magnet's x.pe is the only way to the seeder
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const first = await createTestEngine(t, { start_paused: true, add_timeout: 20 })
  await withTimeout(first.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'getOrAddTorrent (metadata from the x.pe peer)')
  await first.close()

  const torrent = await readAfterTwoIdleRestarts(t, first.dataDir, seeder, fx, 10 * P + 17, 3 * P, 'the x.pe hint and the remembered seeder were forgotten')
  assert.ok(torrent.stats().downloaded > 0, 'the read came from the swarm')
})

test('peers: a peer learned from a tracker is remembered across start_paused restarts after the tracker is gone', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(2 * MiB, 'remembered.bin'))
  const tracker = await startTracker(t, { intervalMs: 1000 })
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P, announce: [tracker.httpUrl] })
  // no x.pe: the engine can only learn the seeder's address from the tracker
  const first = await createTestEngine(t, { start_paused: true, add_timeout: 20 })
  const added = await withTimeout(first.engine.getOrAddTorrent(seeder.infoHash, seeder.magnetNoPeer), 25_000, 'getOrAddTorrent through the tracker')
  await waitFor(() => added.stats().peers >= 1, 10_000, 'a connection to the seeder found through the tracker')
  await first.close()
  await tracker.close()

  await readAfterTwoIdleRestarts(t, first.dataDir, seeder, fx, 20 * P, 2 * P, 'the remembered seeder was forgotten (tracker gone, no x.pe)')
})

test('peers: a record that already lost its peers (as earlier versions left it) reaches the seeder through the stored magnet\'s x.pe hint', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(MiB, 'emptied.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const first = await createTestEngine(t, { start_paused: true, add_timeout: 20 })
  await withTimeout(first.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  await first.close()
  const recordPath = join(first.cfg.metadata_folder, `${seeder.infoHash}.json`)
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { magnet: string, peers: string[] }
  assert.ok(record.peers.includes(`127.0.0.1:${seeder.port}`), `the seeder is remembered after the first run (record: ${JSON.stringify(record)})`)
  assert.ok(record.magnet.includes('x.pe='), 'the stored magnet keeps its x.pe hint')
  writeFileSync(recordPath, JSON.stringify({ ...record, peers: [] }))

  const second = await createTestEngine(t, { start_paused: true, add_timeout: 2 }, first.dataDir)
  const torrent = second.engine.getTorrent(seeder.infoHash)
  assert.ok(torrent !== undefined)
  assert.ok(torrent.stats().knownPeers >= 1, 'no known peer: the stored magnet\'s x.pe hint was not read at load')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 5 * P, P, deadlineIn(20_000), 'uncached read through the x.pe hint:')
})

// ---- corrupt cache ----

/**
 * Reads enough other pieces to push `piece` out of the engine's in-memory hot set (HOT_PIECES).
 * A piece joins that set when its cache write lands, and writes queue behind each other (on a
 * loaded machine they lag the reads by seconds), so the fillers count only once on disk.
 */
async function pushOutOfMemory (e: TestEngine, torrent: Torrent, fx: Fixture, except: number, from: number): Promise<void> {
  const f = torrent.info.files[0]!
  const fillers: number[] = []
  for (let p = from; p < from + HOT_PIECES + 8; p++) if (p !== except) fillers.push(p)
  for (const p of fillers) await readAndCompare(torrent, fx, f, p * P, P, deadlineIn(15_000), `filler piece ${p}:`)
  for (const p of fillers) await cachedPiece(e, torrent, p)
}

function pieceFile (e: TestEngine, infoHash: string, piece: number): string {
  return join(e.cfg.cache_folder, infoHash, String(piece))
}

async function cachedPiece (e: TestEngine, torrent: Torrent, piece: number): Promise<string> {
  const path = pieceFile(e, torrent.info.infoHash, piece)
  await waitFor(() => existsSync(path) && statSync(path).size === P, 5000, `piece ${piece} written to the cache (${path})`)
  return path
}

async function expectRefetched (t: TestContext, torrent: Torrent, seeder: Seeder, fx: Fixture, piece: number, what: string): Promise<void> {
  const before = torrent.stats().downloaded
  const seederBefore = (await seeder.stats()).uploaded
  await readAndCompare(torrent, fx, torrent.info.files[0]!, piece * P + 1000, P - 2000, deadlineIn(15_000), `${what}: piece ${piece} read back`)
  const got = torrent.stats().downloaded - before
  assert.ok(got >= P, `${what}: the engine downloaded ${got} bytes for the read, expected the whole piece again (>= ${P})`)
  const sent = (await seeder.stats()).uploaded - seederBefore
  assert.ok(sent >= P, `${what}: the seeder uploaded ${sent} bytes more, expected the piece (>= ${P})`)
  t.diagnostic(`${what}: refetched ${got} bytes`)
}

test('cache: a piece changed on disk after it was verified is re-hashed, dropped and refetched in the same run', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(8 * MiB, 'overwritten.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const e = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(e.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!

  // same size, garbage: only a hash check can tell
  await readAndCompare(torrent, fx, f, 3 * P, P, deadlineIn(15_000), 'piece 3:')
  const file3 = await cachedPiece(e, torrent, 3)
  await pushOutOfMemory(e, torrent, fx, 3, 8)
  writeFileSync(file3, randomBytes(P))
  await expectRefetched(t, torrent, seeder, fx, 3, 'overwritten with garbage of the same size')
  await waitFor(() => existsSync(file3) && statSync(file3).size === P, 5000, 'piece 3 stored again')

  // truncated
  await readAndCompare(torrent, fx, f, 5 * P, P, deadlineIn(15_000), 'piece 5:')
  const file5 = await cachedPiece(e, torrent, 5)
  await pushOutOfMemory(e, torrent, fx, 5, 8 + HOT_PIECES + 8)
  truncateSync(file5, P / 2)
  await expectRefetched(t, torrent, seeder, fx, 5, 'truncated')

  // grown: the right bytes followed by more (piece 3, refetched and read only in part, is read
  // to its end first: the hot set holds a piece nobody has finished reading against the fillers)
  await readAndCompare(torrent, fx, f, 3 * P, P, deadlineIn(15_000), 'piece 3 again:')
  await pushOutOfMemory(e, torrent, fx, 3, 8)
  writeFileSync(file3, Buffer.concat([fx.expected(f.path, 3 * P, P), Buffer.alloc(100)]))
  await expectRefetched(t, torrent, seeder, fx, 3, 'grown')
})

// ---- full disk ----

/** A tmpfs of `size` mounted for the test, unmounted at its end; null (with the reason) when it can't be. */
function mountTmpfs (t: TestContext, size: string): { dir: string } | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'needs Linux tmpfs' }
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs needs root' }
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-fulldisk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    return { skip: `mount -t tmpfs failed here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}` }
  }
  return { dir }
}

/** Unmounts (lazily when an engine of a failed test still holds it) and removes the mount point. */
function unmount (dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' })
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
  }
  rmSync(dir, { recursive: true, force: true })
}

function tmpFiles (dir: string): string[] {
  return listFiles(dir).filter((p) => p.endsWith('.tmp'))
}

test('cache: a full disk leaves no temp files, reads still settle, and the cache works again once space is freed', { timeout: 120_000 }, async (t) => {
  const mounted = mountTmpfs(t, '2m')
  if ('skip' in mounted) { t.skip(mounted.skip); return }
  const { dir: fixtures } = fixtureDir(t)
  const fx = writeFixture(fixtures, singleFileSpec(4 * MiB, 'fulldisk.bin'))
  const small = writeFixture(fixtures, singleFileSpec(P, 'marker.bin', 'marker'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const markerSeeder = await startSeeder(t, { path: small.root, pieceLength: P })
  const cacheDir = join(mounted.dir, 'cache')
  // the budget (64 MB) is far above the 2 MiB the disk holds: only the disk says no
  const e = await createTestEngine(t, { add_timeout: 20, global_cache_size: 64, cache_folder: cacheDir })
  t.after(() => { unmount(mounted.dir) }) // after the engine's close (hooks run in order)
  const torrent = await withTimeout(e.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const marker = await withTimeout(e.engine.getOrAddTorrent(markerSeeder.infoHash, markerSeeder.magnet), 25_000, 'getOrAddTorrent (marker torrent)')
  assert.equal(marker.info.pieceCount, 1)
  // leave room for a few pieces only
  const filler = join(mounted.dir, 'filler')
  writeFileSync(filler, Buffer.alloc(2 * MiB - 6 * P))
  const f = torrent.info.files[0]!

  // 40 pieces through a disk that holds ~5: every read settles with the right bytes (pieces are
  // delivered from memory before they are written), most writes fail
  for (let p = 0; p < 40; p++) {
    await withTimeout(readAndCompare(torrent, fx, f, p * P, P, deadlineIn(15_000), `piece ${p} on a full disk:`), 20_000, `read of piece ${p} on a full disk`)
  }
  // removing a torrent deletes its cache folder behind every cache write already queued: once
  // it returns, all 40 writes have been attempted
  await withTimeout(e.engine.removeTorrent(marker.info.infoHash), 15_000, 'removeTorrent(marker) (drains the cache write queue)')
  const cached = torrent.stats().piecesCached
  assert.ok(cached < 40, `${cached} pieces cached on a disk with room for ~5: the disk was not full`)
  assert.deepEqual(tmpFiles(cacheDir), [], 'temp files left in the cache folder after failed writes')
  const used = e.engine.cacheUsage().used
  assert.equal(folderBytes(cacheDir), used, 'bytes on disk under cache_folder = the cache\'s own accounting (nothing outside the budget)')
  t.diagnostic(`${cached} of 40 pieces stored on the full disk`)

  // space comes back: new pieces are stored again, in the same run
  rmSync(filler)
  for (let p = 50; p < 54; p++) {
    await readAndCompare(torrent, fx, f, p * P, P, deadlineIn(15_000), `piece ${p} after space was freed:`)
  }
  await waitFor(() => [50, 51, 52, 53].every((p) => existsSync(pieceFile(e, torrent.info.infoHash, p))), 5000, 'pieces 50-53 stored after space was freed')
  assert.deepEqual(tmpFiles(cacheDir), [], 'temp files in the cache folder after space was freed')

  // what a crash in the middle of a write leaves behind is swept at start-up
  await e.close()
  const stale = join(cacheDir, seeder.infoHash, '60.tmp')
  writeFileSync(stale, Buffer.alloc(1000))
  const again = await createTestEngine(t, { start_paused: true, global_cache_size: 64, cache_folder: cacheDir }, e.dataDir)
  assert.ok(again.engine.getTorrent(seeder.infoHash) !== undefined, 'the torrent is loaded after the restart')
  assert.deepEqual(tmpFiles(cacheDir), [], 'a stale temp file survived start-up')
  await again.close()
})
