// Checks the test harness itself (fixtures, seeder child process, local tracker) with
// webtorrent as the leecher, so that an engine failure is never a harness failure.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { KiB, fixtureBytes, fixtureDir, multiFileSpec, writeFixture, singleFileSpec } from '../helpers/fixtures.ts'
import { startSeeder, WebTorrentProcess } from '../helpers/seeder.ts'
import { startTracker } from '../helpers/tracker.ts'
import { tempDir } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'

test('fixture bytes are deterministic, contain NUL and match at any offset', (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, multiFileSpec(16 * KiB))
  for (const f of fx.files) {
    const all = fx.expected(f.path, 0, f.length)
    assert.equal(all.length, f.length)
    assert.equal(all[0], 0)
    assert.equal(all[Math.floor(f.length / 2)], 0)
    const off = Math.min(17, f.length - 1)
    assert.deepEqual(fixtureBytes('momoshtrem', f.relPath, f.length, off, f.length - off), all.subarray(off))
  }
  const again = writeFixture(tempDir(t), multiFileSpec(16 * KiB))
  assert.deepEqual(again.expected(again.files[0]!.path, 0, 1000), fx.expected(fx.files[0]!.path, 0, 1000))
})

test('seeder serves a multi-file fixture to a webtorrent leecher through x.pe', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, multiFileSpec(16 * KiB))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB })
  assert.match(seeder.infoHash, /^[0-9a-f]{40}$/)
  assert.match(seeder.magnet, /&x\.pe=127\.0\.0\.1:\d+$/)
  assert.equal(seeder.pieceLength, 16 * KiB)
  assert.deepEqual(seeder.files.map((f) => f.path).sort(), fx.files.map((f) => f.path).sort())

  const leecher = new WebTorrentProcess()
  t.after(async () => { await leecher.stop() })
  const added = await leecher.request<{ files: Array<{ path: string, length: number }> }>('add', { magnet: seeder.magnet, path: tempDir(t) }, 30_000)
  for (const [i, f] of added.files.entries()) {
    const r = await leecher.request<{ bytes: number, sha256: string }>('read', { fileIndex: i, start: 0, end: f.length - 1, timeoutMs: 20_000 }, 25_000)
    assert.equal(r.bytes, f.length, f.path)
    assert.equal(r.sha256, createHash('sha256').update(fx.expected(f.path, 0, f.length)).digest('hex'), f.path)
  }
  const st = await seeder.stats()
  assert.ok(st.uploaded >= fx.totalLength, `seeder uploaded ${st.uploaded}`)
  assert.ok(st.bytes >= st.uploaded, `socket bytes ${st.bytes} >= payload ${st.uploaded}`)
})

test('seeder announces to the local tracker; same data gives the same info hash', { timeout: 60_000 }, async (t) => {
  const tracker = await startTracker(t, { intervalMs: 1000 })
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(100 * KiB))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB, announce: [tracker.httpUrl] })
  assert.ok(seeder.magnetNoPeer.includes(`tr=${encodeURIComponent(tracker.httpUrl)}`))
  await waitFor(() => tracker.peers(seeder.infoHash).includes(`127.0.0.1:${seeder.port}`), 10_000, 'seeder listed by tracker')
  const port = seeder.port
  await seeder.stop()
  const again = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB, announce: [tracker.httpUrl], port })
  assert.equal(again.infoHash, seeder.infoHash)
  assert.equal(again.port, port)
})
