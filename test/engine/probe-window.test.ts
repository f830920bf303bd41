// A reader whose last read did not continue the one before may be a player's probe: its window
// is wanted shallow (a peer gets one of its blocks only while nothing else is queued there).
// Against a real seeder on loopback: shallow is not never, the window still arrives whole and
// byte-exact, and the read after it is served from the cache.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KiB, MiB, fixtureDir, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { afterTicks, readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { withTimeout, waitFor } from '../helpers/wait.ts'

const P = 64 * KiB

test('a probing reader\'s shallow window still arrives whole, and the next read finds it cached', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(16 * MiB, 'probe.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const reader = torrent.openReader(0, { readaheadBytes: MiB })
  t.after(() => { reader.close() })
  const file = torrent.info.files[0]!
  // one read at 8 MiB: its piece, then the 1 MiB window behind it (16 pieces), one block at a time
  await readAndCompare(reader, fx, file, 8 * MiB, 1000, deadlineIn(10_000), 'probe:')
  await waitFor(() => torrent.stats().piecesCached >= 17, 20_000, 'the shallow window, whole')
  await afterTicks(torrent, 1)
  const downloaded = torrent.stats().downloaded
  assert.equal(downloaded, 17 * P, 'the read\'s piece and the window, nothing more')
  // the player reads on (no window past it: only what this read needs could move): all of it
  // is in the cache already
  reader.setReadahead(0)
  await readAndCompare(reader, fx, file, 8 * MiB + 1000, MiB - 1000, deadlineIn(10_000), 'the bytes after it:')
  assert.equal(torrent.stats().downloaded - downloaded, 0, 'no piece of the window was fetched again')
})
