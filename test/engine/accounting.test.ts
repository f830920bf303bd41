// Download accounting: stats().downloaded is what the swarm really sent us, including blocks
// that arrive after their request was cancelled (a throttled seeder keeps sending what it had
// queued), and stats().wasted is the part of it that was dropped. Those late blocks still
// complete their pieces (kept as orphans), so most of what a cancelled read cost is cached.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture, rng } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { sleep, waitFor, withTimeout } from '../helpers/wait.ts'

test('downloaded matches what the seeder sent, even with cancelled requests; wasted is the dropped part', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(16 * MiB, 'accounting.bin'))
  // throttled, so requests are still queued at the seeder when the engine cancels them
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 64 * KiB, uploadLimit: 2 * MiB })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const reader = torrent.openReader(0)
  const rand = rng(99)
  for (let i = 0; i < 12; i++) {
    const ac = new AbortController()
    const read = reader.read(Math.floor(rand() * (fx.totalLength - MiB)), 512 * KiB, { signal: ac.signal, deadline: Date.now() + 20_000 })
    read.catch(() => {})
    await sleep(60)
    ac.abort()
  }
  reader.close()
  // let every queued block arrive, then compare both ends once they stop moving
  let last = -1
  let lastDown = -1
  const stats = await waitFor(async () => {
    await sleep(400)
    const sent = (await seeder.stats()).uploaded
    const st = torrent.stats()
    const settled = sent === last && st.downloaded === lastDown
    last = sent
    lastDown = st.downloaded
    return settled ? { sent, st } : undefined
  }, 30_000, 'engine and seeder counters to settle', 0)
  assert.ok(stats.sent > 0)
  // webtorrent's count also holds the metadata it sent (ut_metadata), a few KiB
  assert.ok(Math.abs(stats.st.downloaded - stats.sent) <= 64 * KiB,
    `downloaded ${stats.st.downloaded} should count every payload byte the seeder sent (${stats.sent})`)
  assert.ok(stats.st.wasted >= 0 && stats.st.wasted <= stats.st.downloaded)
  // before late blocks were kept, 99 % of this was dropped; what is left is pieces only partly
  // requested when their read was aborted
  assert.ok(stats.st.wasted < stats.st.downloaded * 0.4, `wasted ${stats.st.wasted} of ${stats.st.downloaded}: late blocks should complete their pieces`)
  t.diagnostic(`seeder sent ${stats.sent} bytes; engine downloaded ${stats.st.downloaded}, wasted ${stats.st.wasted}`)
})
