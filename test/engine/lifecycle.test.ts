// Engine conformance: removal frees the cache and forgets the metadata; pending reads reject
// with 'closed' on removal and on close(); close() leaves nothing that keeps the process alive.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { createTestEngine, folderBytes, listFiles } from '../helpers/engine.ts'
import { tempDir } from '../helpers/app.ts'
import { afterTicks, expectDomainError, readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { withTimeout, waitFor } from '../helpers/wait.ts'

const P = 64 * KiB

test('removeTorrent: pending reads reject closed, cache bytes freed, metadata forgotten', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(4 * MiB, 'remove me.bin'))
  const keep = writeFixture(dir, singleFileSpec(1 * MiB, 'keep.bin', 'other'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const keeper = await startSeeder(t, { path: keep.root, pieceLength: P })
  const first = await createTestEngine(t, { add_timeout: 20 })
  const { engine, cfg } = first
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const kept = await withTimeout(engine.getOrAddTorrent(keeper.infoHash, keeper.magnet), 25_000, 'getOrAddTorrent keep')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 0, 2 * MiB, deadlineIn(15_000))
  await readAndCompare(kept, keep, kept.info.files[0]!, 0, 256 * KiB, deadlineIn(15_000))
  // pieces are written to the cache asynchronously: allow the writes to land
  await waitFor(() => torrent.stats().piecesCached >= 32, 5000, `piecesCached >= 32 after reading 2 MiB (now ${torrent.stats().piecesCached})`)
  await waitFor(() => kept.stats().piecesCached >= 4, 5000, `other torrent piecesCached >= 4 after reading 256 KiB (now ${kept.stats().piecesCached})`)
  const before = folderBytes(cfg.cache_folder)
  assert.ok(before >= 2 * MiB, `cache folder holds ${before} bytes after reading 2 MiB (expected the pieces on disk)`)
  assert.ok(listFiles(cfg.metadata_folder).length > 0, 'metadata_folder is empty after adding a torrent')

  // a read that waits: its seeder is gone
  await seeder.stop()
  const pending = torrent.read(0, 3 * MiB, 1000, deadlineIn(30_000))
  const reader = torrent.openReader(0)
  const pendingReader = reader.read(3 * MiB + 5000, 1000, deadlineIn(30_000))
  pending.catch(() => {}) // handled below; keeps the rejection from counting as unhandled meanwhile
  pendingReader.catch(() => {})
  await afterTicks(torrent, 1, 'the reads are under way')
  await withTimeout(engine.removeTorrent(seeder.infoHash), 10_000, 'removeTorrent')
  await expectDomainError(pending, 'closed', 2000, 'pending read when its torrent is removed')
  await expectDomainError(pendingReader, 'closed', 2000, 'pending reader.read when its torrent is removed')

  assert.equal(engine.getTorrent(seeder.infoHash), undefined, 'getTorrent after remove')
  assert.deepEqual(engine.listTorrents().map((s) => s.infoHash), [keeper.infoHash], 'only the other torrent is listed')
  assert.equal(engine.cacheUsage().used, kept.stats().cacheBytes, 'cacheUsage().used counts only the remaining torrent')
  const after = folderBytes(cfg.cache_folder)
  const keptBytes = kept.stats().cacheBytes
  t.diagnostic(`cache folder ${before} -> ${after} bytes (other torrent holds ${keptBytes})`)
  assert.ok(after <= keptBytes + 64 * KiB, `cache folder still holds ${after} bytes after removal (other torrent: ${keptBytes})`)
  await expectDomainError(torrent.read(0, 0, 10, deadlineIn(5000)), 'closed', 1000, 'read on a removed torrent')

  // and after a restart it stays gone: no metadata left to load it from
  await first.close()
  const second = await createTestEngine(t, { add_timeout: 1 }, first.dataDir)
  assert.deepEqual(second.engine.listTorrents().map((s) => s.infoHash), [keeper.infoHash], 'after restart only the other torrent is listed')
  assert.equal(second.engine.getTorrent(seeder.infoHash), undefined)
  await expectDomainError(second.engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 'add_timeout', 1000 + 1500, 'getOrAddTorrent of the removed torrent with no seeder (metadata must be gone)')
})

test('close() and removeTorrent() while an add waits for metadata: the add rejects at once', { timeout: 60_000 }, async (t) => {
  const hash = 'e'.repeat(40)
  const magnet = `magnet:?xt=urn:btih:${hash}&x.pe=127.0.0.1:9`
  const first = await createTestEngine(t, { add_timeout: 30 })
  const adding = first.engine.getOrAddTorrent(hash, magnet)
  adding.catch(() => {}) // handled below
  await waitFor(() => first.engine.listTorrents().some((x) => x.infoHash === hash), 5000, 'the add under way')
  await withTimeout(first.engine.removeTorrent(hash), 5000, 'removeTorrent during add')
  const err1 = await withTimeout(adding.then(() => null, (e: unknown) => e), 3000, 'the add to settle after removeTorrent')
  assert.ok(err1 !== null, 'getOrAddTorrent resolved although the torrent was removed while waiting for metadata')
  assert.equal(first.engine.getTorrent(hash), undefined)
  assert.equal(first.engine.listTorrents().length, 0)

  const adding2 = first.engine.getOrAddTorrent(hash, magnet)
  adding2.catch(() => {})
  await waitFor(() => first.engine.listTorrents().some((x) => x.infoHash === hash), 5000, 'the second add under way')
  const t0 = performance.now()
  await first.close()
  assert.ok(performance.now() - t0 < 5000, 'close() took more than 5 s with an add pending')
  await expectDomainError(adding2, 'closed', 3000, 'getOrAddTorrent pending at close()')
})

test('removeTorrent then getOrAddTorrent: the torrent comes back fresh', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(1 * MiB, 'again.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const a = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  await readAndCompare(a, fx, a.info.files[0]!, 0, 4 * P, deadlineIn(10_000))
  await engine.removeTorrent(seeder.infoHash)
  const b = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 're-add')
  assert.notEqual(b, a, 'a removed Torrent object is not handed out again')
  assert.equal(b.stats().piecesCached, 0, 'the re-added torrent starts with an empty cache')
  await readAndCompare(b, fx, b.info.files[0]!, 0, 4 * P, deadlineIn(10_000), 're-added:')
})

test('removeTorrent and close() right after reads, with cache writes in flight', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(8 * MiB, 'inflight.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  for (let i = 0; i < 4; i++) {
    const { engine, cfg, close } = await createTestEngine(t, { add_timeout: 20 })
    const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
    const f = torrent.info.files[0]!
    // 64 pieces arrive at once; their cache writes queue up behind the reads
    await Promise.all(Array.from({ length: 8 }, (_, k) => readAndCompare(torrent, fx, f, k * MiB, MiB, deadlineIn(15_000), `run ${i}:`)))
    if (i % 2 === 0) {
      await withTimeout(engine.removeTorrent(seeder.infoHash), 10_000, `removeTorrent #${i} right after the reads`)
      const left = listFiles(join(cfg.cache_folder, seeder.infoHash))
      await new Promise((resolve) => setTimeout(resolve, 500))
      const later = listFiles(join(cfg.cache_folder, seeder.infoHash))
      assert.deepEqual([left.length, later.length], [0, 0], `run ${i}: cache files of the removed torrent: ${left.length} right after removeTorrent, ${later.length} 500 ms later`)
    } else {
      await close()
      const atClose = listFiles(cfg.cache_folder).sort()
      await new Promise((resolve) => setTimeout(resolve, 500))
      const later = listFiles(cfg.cache_folder).sort()
      assert.deepEqual(later, atClose, `run ${i}: the cache folder changed after close() resolved`)
      assert.ok(!later.some((p) => p.endsWith('.tmp')), `run ${i}: .tmp files left in the cache after close()`)
    }
  }
})

test('close(): pending reads reject with closed', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(2 * MiB, 'close.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine, close } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  await readAndCompare(torrent, fx, torrent.info.files[0]!, 0, 1000, deadlineIn(10_000))
  await seeder.stop()
  const pending = torrent.read(0, MiB, 1000, deadlineIn(30_000))
  pending.catch(() => {}) // handled below
  await afterTicks(torrent, 1, 'the read is under way')
  await close()
  await expectDomainError(pending, 'closed', 2000, 'pending read at close()')
})

test('close() leaves no handles: a process that used the engine exits on its own', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(8 * MiB, 'exit.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const dataDir = tempDir(t, 'momoshtrem-close-')
  const script = fileURLToPath(new URL('./close-child.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, seeder.infoHash, seeder.magnet], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  let closedAt = 0
  child.stdout.on('data', () => { if (closedAt === 0 && out.includes('"step":"closed"')) closedAt = Date.now() })
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let exitTimer: NodeJS.Timeout | undefined
  const code = await Promise.race([exit, new Promise<'timeout'>((resolve) => { exitTimer = setTimeout(() => resolve('timeout'), 45_000) })])
  clearTimeout(exitTimer)
  const lines = out.trim().split('\n').filter((l) => l !== '').map((l) => { try { return JSON.parse(l) as { step: string, [k: string]: unknown } } catch { return { step: 'raw', line: l } } })
  const closed = lines.find((l) => l.step === 'closed')
  assert.ok(closed !== undefined, `the child never got to close(): exit ${String(code)}\nstdout: ${out}\nstderr: ${err.slice(-3000)}`)
  assert.equal(closed.pending, 'rejected:closed', 'a read pending at close() rejects with closed')
  if (code === 'timeout') {
    child.kill('SIGKILL')
    const still = lines.find((l) => l.step === 'still-alive') ?? lines.find((l) => l.step === 'resources')
    assert.fail(`the process did not exit within ${Math.round((Date.now() - closedAt) / 1000)} s after close(); active resources: ${JSON.stringify(still?.resources)}`)
  }
  const exitMs = Date.now() - closedAt
  assert.equal(code, 0, `child exit code ${String(code)}; stderr: ${err.slice(-2000)}`)
  assert.ok(exitMs < 5000, `process exited ${exitMs} ms after close()`)
  const res = lines.find((l) => l.step === 'resources')
  t.diagnostic(`exited ${exitMs} ms after close(); resources right after close: ${JSON.stringify(res?.resources)}`)
})
