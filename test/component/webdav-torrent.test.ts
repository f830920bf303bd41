// The whole read path with a real swarm on loopback: a webtorrent seeder (child process),
// the torrent engine, the streaming layer's lazy handles, the LibraryVFS and WebDAV. Bytes are compared
// with the source; listing must not touch the torrent.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startDav, dav } from '../helpers/dav.ts'
import { FakeTreeSource, at } from '../helpers/vfs-fixtures.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { KiB, MiB, fixtureDir, multiFileSpec, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { waitFor } from '../helpers/wait.ts'
import { afterTicks } from '../helpers/engine-asserts.ts'
import { createTestStreams } from '../helpers/streams.ts'

const pieceLength = 16 * KiB

/** The multi-file fixture seeded by webtorrent, an engine, and the assignment of the file whose path ends with `name`. */
async function seededFile (t: TestContext, name: string) {
  const fixture = writeFixture(fixtureDir(t).dir, multiFileSpec(pieceLength))
  const seeder = await startSeeder(t, { path: fixture.root, pieceLength })
  const { engine } = await createTestEngine(t)
  const target = seeder.files.find((f) => f.path.endsWith(name))!
  const assignment = { id: 1, infoHash: seeder.infoHash, magnetUri: seeder.magnet, filePath: target.path, fileIndex: seeder.files.indexOf(target), fileSize: target.length, createdAt: at(1) }
  return { fixture, seeder, engine, target, assignment }
}

test('GET over /dav streams the torrent file: full, ranges, parallel, bytes equal the source', { timeout: 120_000 }, async (t) => {
  const { fixture, seeder, engine, target, assignment } = await seededFile(t, 'a first.bin')
  const src = new FakeTreeSource([{
    id: 1,
    title: 'Seeded',
    year: 2024,
    createdAt: at(0),
    assignment
  }])
  const streams = await createTestStreams(t, engine)
  let opened = 0
  const { url } = await startDav(t, src, async (a) => { opened++; return streams.open(a) })
  const path = '/dav/Movies/Seeded%20%282024%29/Seeded%20%282024%29.bin'

  // listing and HEAD never open the file
  const list = await dav(`${url}/dav/Movies/Seeded%20(2024)/`, 'PROPFIND', { Depth: '1' })
  assert.equal(list.status, 207)
  assert.ok(list.text.includes(`<D:getcontentlength>${target.length}</D:getcontentlength>`))
  assert.equal((await dav(`${url}${path}`, 'HEAD')).status, 200)
  assert.equal(opened, 0)
  assert.equal(engine.getTorrent(seeder.infoHash), undefined, 'no torrent work before the first GET')

  const expected = fixture.expected(target.path, 0, target.length)
  const full = Buffer.from(await (await fetch(`${url}${path}`, { signal: AbortSignal.timeout(60_000) })).arrayBuffer())
  assert.ok(full.equals(expected), 'full body equals the source')

  const ranges: Array<[number, number]> = [[0, 0], [pieceLength - 1, pieceLength], [5000, 40_000], [target.length - 10, target.length - 1]]
  const results = await Promise.all(ranges.map(async ([a, b]) => {
    const res = await fetch(`${url}${path}`, { headers: { Range: `bytes=${a}-${b}` }, signal: AbortSignal.timeout(60_000) })
    return { status: res.status, range: res.headers.get('content-range'), body: Buffer.from(await res.arrayBuffer()) }
  }))
  results.forEach((r, i) => {
    const [a, b] = ranges[i]!
    assert.equal(r.status, 206)
    assert.equal(r.range, `bytes ${a}-${b}/${target.length}`)
    assert.ok(r.body.equals(expected.subarray(a, b + 1)), `range ${a}-${b}`)
  })
})

test('a handle\'s readSome ends at the next piece boundary of the torrent, wherever the file starts in it', { timeout: 120_000 }, async (t) => {
  // b.bin starts 123 bytes into a piece (after 'a first.bin', 3 pieces + 123 bytes)
  const { fixture, engine, target, assignment } = await seededFile(t, 'b.bin')
  assert.equal(target.offset % pieceLength, 123)
  const file = (await createTestStreams(t, engine)).open(assignment)
  t.after(async () => { await file.close() })
  const firstBoundary = pieceLength - 123 // file offset of the first piece boundary
  // from 0, up to 20 KiB: cut at the one boundary inside (pieces are 16 KiB)
  const some = await file.readSome(0, 20 * KiB)
  assert.equal(some.length, firstBoundary)
  assert.ok(some.equals(fixture.expected(target.path, 0, some.length)))
  const two = await file.readSome(100, 2 * pieceLength + 10)
  assert.equal(100 + two.length, firstBoundary + pieceLength, 'ends at the last boundary within reach')
  assert.ok(two.equals(fixture.expected(target.path, 100, two.length)))
  // no boundary within reach: the whole length
  const inside = await file.readSome(firstBoundary + 10, 100)
  assert.equal(inside.length, 100)
  // the end of the file is never passed
  const tail = await file.readSome(target.length - 50, 64 * KiB)
  assert.equal(tail.length, 50)
  assert.ok(tail.equals(fixture.expected(target.path, target.length - 50, 50)))
})

test('a bounded Range GET fetches the pieces of its range and nothing past it (an open-ended one keeps its read-ahead)', { timeout: 120_000 }, async (t) => {
  const fixture = writeFixture(fixtureDir(t).dir, singleFileSpec(4 * MiB, 'bounded.bin'))
  const seeder = await startSeeder(t, { path: fixture.root, pieceLength })
  const { engine } = await createTestEngine(t)
  const target = seeder.files[0]!
  const assignment = { id: 1, infoHash: seeder.infoHash, magnetUri: seeder.magnet, filePath: target.path, fileIndex: 0, fileSize: target.length, createdAt: at(1) }
  const src = new FakeTreeSource([{ id: 1, title: 'Seeded', year: 2024, createdAt: at(0), assignment }])
  // the first open fetches the head and tail estimates (4 pieces each) for the player's probes
  const streams = await createTestStreams(t, engine, { settings: { headerBytes: 4 * pieceLength, footerBytes: 4 * pieceLength } })
  const { url } = await startDav(t, src, async (a) => streams.open(a))
  const path = `${url}/dav/Movies/Seeded%20%282024%29/Seeded%20%282024%29.bin`
  const get = async (range: string): Promise<Buffer> => {
    const res = await fetch(path, { headers: { Range: range }, signal: AbortSignal.timeout(60_000) })
    assert.equal(res.status, 206)
    return Buffer.from(await res.arrayBuffer())
  }
  assert.equal((await get('bytes=0-0')).length, 1)
  const torrent = engine.getTorrent(seeder.infoHash)!
  await waitFor(() => torrent.stats().piecesCached === 8, 10_000, 'head and tail estimates fetched')
  const before = torrent.stats().downloaded
  // pieces 64..69: the engine reader's own window (2 MiB) would pull 128 pieces past them
  const a = MiB + 100
  const b = MiB + 5 * pieceLength + 50
  assert.ok((await get(`bytes=${a}-${b}`)).equals(fixture.expected(target.path, a, b + 1 - a)))
  await afterTicks(torrent, 1, 'anything past the range would have been requested')
  assert.equal(torrent.stats().downloaded - before, 6 * pieceLength, 'exactly the six pieces the range touches')
  // the same bytes again, open-ended this time (the client hangs up after them): read-ahead as usual
  const res = await fetch(path, { headers: { Range: `bytes=${3 * MiB}-` }, signal: AbortSignal.timeout(60_000) })
  const reader = res.body!.getReader()
  await reader.read()
  await reader.cancel()
  await waitFor(() => torrent.stats().downloaded - before >= 6 * pieceLength + 8 * pieceLength, 10_000, 'an open-ended read fetches ahead')
})
