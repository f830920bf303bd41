// Engine conformance: exact bytes at any offset. Start, middle, last byte, zero- and one-byte
// reads, reads straddling piece boundaries and file boundaries, clamping at the end of a
// file, many concurrent readers on one file and across files.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KiB, MiB, fixtureDir, multiFileSpec, singleFileSpec, writeFixture, rng } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { assertInfoMatches, readAndCompare, fileByPath, deadlineIn } from '../helpers/engine-asserts.ts'
import { withTimeout } from '../helpers/wait.ts'

const P = 16 * KiB

test('multi-file reads: start, middle, last byte, piece and file boundaries, small files', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, multiFileSpec(P))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  assertInfoMatches(torrent.info, seeder)
  const opts = (): ReturnType<typeof deadlineIn> => deadlineIn(15_000)

  for (const fxFile of fx.files) {
    const f = fileByPath(torrent.info, fxFile.path)
    const L = f.length
    const cases: Array<[string, number, number]> = [
      ['first byte', 0, 1],
      ['start', 0, Math.min(1000, L)],
      ['middle (NUL byte)', Math.floor(L / 2) - 10, 21],
      ['last byte', L - 1, 1],
      ['tail', Math.max(0, L - 777), 777]
    ]
    // every piece boundary inside this file, from the torrent's point of view
    for (let b = Math.ceil(f.offset / P) * P; b < f.offset + L; b += P) {
      const o = b - f.offset
      if (o <= 0) continue
      cases.push([`piece boundary ${b / P} (-1,+1)`, o - 1, 2])
      cases.push([`piece boundary ${b / P} (-300,+300)`, Math.max(0, o - 300), 600])
    }
    for (const [what, offset, length] of cases) {
      await readAndCompare(torrent, fx, f, offset, length, opts(), `${what}:`)
    }
    // whole file through a reader
    const reader = torrent.openReader(f.index)
    assert.equal(reader.file.path, f.path)
    assert.equal(reader.file.index, f.index)
    await readAndCompare(reader, fx, f, 0, L, opts(), 'whole file (reader):')
    reader.close()
  }
})

test('reads across file boundaries touch pieces shared by two files', { timeout: 90_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, multiFileSpec(P, 'boundaries'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const files = [...torrent.info.files].sort((a, b) => a.offset - b.offset)
  // for each adjacent pair, read the end of one and the start of the next in parallel: both
  // need the same piece, which the engine must fetch once and split correctly
  for (let i = 0; i + 1 < files.length; i++) {
    const a = files[i]!
    const b = files[i + 1]!
    assert.equal(a.offset + a.length, b.offset, 'files are contiguous')
    assert.notEqual(b.offset % P, 0, 'fixture puts file boundaries inside pieces')
    await Promise.all([
      readAndCompare(torrent, fx, a, Math.max(0, a.length - 500), 500, deadlineIn(15_000), `end of ${a.path}:`),
      readAndCompare(torrent, fx, b, 0, Math.min(500, b.length), deadlineIn(15_000), `start of ${b.path}:`)
    ])
  }
})

test('zero-length reads, one-byte reads and clamping at the end of the file', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(5 * P + 17, 'clamp.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  const L = f.length

  const zero = await torrent.read(0, 0, 0, deadlineIn(5000))
  assert.ok(Buffer.isBuffer(zero) && zero.length === 0, `read(0, 0) returned ${zero?.length} bytes`)
  const zeroMid = await torrent.read(0, 3 * P + 5, 0, deadlineIn(5000))
  assert.equal(zeroMid.length, 0, 'zero-length read in the middle')
  const atEnd = await torrent.read(0, L, 10, deadlineIn(5000))
  assert.equal(atEnd.length, 0, 'read at EOF is clamped to 0 bytes')
  await readAndCompare(torrent, fx, f, 0, 1, deadlineIn(10_000), 'one byte at 0:')
  await readAndCompare(torrent, fx, f, P, 1, deadlineIn(10_000), 'one byte at a piece start:')
  await readAndCompare(torrent, fx, f, P - 1, 1, deadlineIn(10_000), 'one byte at a piece end:')
  await readAndCompare(torrent, fx, f, L - 1, 1, deadlineIn(10_000), 'last byte:')
  const clamped = await readAndCompare(torrent, fx, f, L - 100, 10_000, deadlineIn(10_000), 'clamped tail:')
  assert.equal(clamped.length, 100, 'a read past EOF returns exactly the bytes up to EOF')
  assert.throws(() => torrent.openReader(1), RangeError, 'openReader(bad index) throws RangeError')
  assert.throws(() => torrent.openReader(-1), RangeError, 'openReader(-1) throws RangeError')
})

test('16 concurrent random reads on one file (1 MiB pieces), then 16 across files', { timeout: 120_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const big = writeFixture(dir, singleFileSpec(24 * MiB + 12345, 'concurrent.bin'))
  const seeder = await startSeeder(t, { path: big.root, pieceLength: 1 * MiB })
  const { engine } = await createTestEngine(t, { add_timeout: 20 })
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, seeder.magnet), 25_000, 'addTorrent')
  const f = torrent.info.files[0]!
  const rand = rng(42)
  const reads = Array.from({ length: 16 }, (_, i) => {
    const offset = Math.floor(rand() * f.length)
    const length = 1 + Math.floor(rand() * 300 * KiB)
    // half through readers (read-ahead windows), half one-shot
    if (i % 2 === 0) {
      const reader = torrent.openReader(0)
      return readAndCompare(reader, big, f, offset, length, deadlineIn(30_000), `reader #${i}:`).finally(() => reader.close())
    }
    return readAndCompare(torrent, big, f, offset, length, deadlineIn(30_000), `read #${i}:`)
  })
  await Promise.all(reads)

  // sequential readers running side by side on the same file
  const seq = Array.from({ length: 4 }, async (_, i) => {
    const reader = torrent.openReader(0)
    try {
      const start = i * 5 * MiB + i * 1000
      for (let off = start; off < start + 3 * MiB; off += 256 * KiB) {
        await readAndCompare(reader, big, f, off, 256 * KiB, deadlineIn(30_000), `sequential reader ${i}:`)
      }
    } finally { reader.close() }
  })
  await Promise.all(seq)

  // and across the files of a multi-file torrent (16 KiB pieces)
  const { dir: dir2 } = fixtureDir(t)
  const multi = writeFixture(dir2, multiFileSpec(P, 'across'))
  const seeder2 = await startSeeder(t, { path: multi.root, pieceLength: P })
  const t2 = await withTimeout(engine.getOrAddTorrent(seeder2.infoHash, seeder2.magnet), 25_000, 'getOrAddTorrent multi')
  const rand2 = rng(7)
  await Promise.all(Array.from({ length: 16 }, (_, i) => {
    const file = t2.info.files[i % t2.info.files.length]!
    const offset = Math.floor(rand2() * file.length)
    const length = 1 + Math.floor(rand2() * 3 * P)
    return readAndCompare(t2, multi, file, offset, length, deadlineIn(30_000), `across #${i}:`)
  }))
  assert.equal(engine.listTorrents().length, 2)
})
