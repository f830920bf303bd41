// What reads ask the scheduler for: a one-shot read's missing pieces, urgent by deadline, or
// deferred when the caller expects nobody to wait for the bytes; a reader's window, as its
// caller sized it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Reader, readFileRange, type ReadHost } from '../../src/torrent/reads.ts'
import { giveBack, PiecePool } from '../../src/torrent/piece-pool.ts'
import type { WantSource } from '../../src/torrent/wants.ts'
import type { TorrentFileInfo, WantClass } from '../../src/torrent/types.ts'

const PL = 1024
const file: TorrentFileInfo = { index: 0, path: 'x/a.bin', length: 10 * PL, offset: 0 }

function fakeHost (): { host: ReadHost, sources: Set<WantSource>, deliver: (piece: number) => void } {
  const sources = new Set<WantSource>()
  const waiters = new Map<number, Set<(buf: Buffer) => void>>()
  const host: ReadHost = {
    info: { infoHash: '0'.repeat(40), name: 'x', length: file.length, pieceLength: PL, pieceCount: 10, files: [file] },
    closed: false,
    readTimeoutMs: 5000,
    touch: () => {},
    addSource: (s) => { sources.add(s) },
    removeSource: (s) => { sources.delete(s) },
    pieceSlice: async () => null,
    lend: (v) => v,
    onPiece: (p, cb) => {
      const set = waiters.get(p) ?? new Set()
      waiters.set(p, set)
      set.add(cb)
      return () => { set.delete(cb) }
    },
    track: () => () => {},
    readaheadCap: () => 4 * PL
  }
  return { host, sources, deliver: (p) => { for (const cb of waiters.get(p) ?? []) cb(Buffer.alloc(PL, p)) } }
}

function wants (sources: Set<WantSource>): Array<[number, WantClass, number, number]> {
  const out: Array<[number, WantClass, number, number]> = []
  for (const s of sources) s.collect((piece, cls, deadline, distance) => { out.push([piece, cls, deadline, distance]) })
  return out
}

test('reads: missing pieces are urgent, ranked by the deadline; delivered pieces stop being wanted', async () => {
  const { host, sources, deliver } = fakeHost()
  const deadline = Date.now() + 60_000
  const read = readFileRange(host, file, 1.5 * PL, PL, { deadline })
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(wants(sources), [[1, 'urgent', deadline, 0], [2, 'urgent', deadline, PL / 2]])
  deliver(1)
  assert.deepEqual(wants(sources).map(([p]) => p), [2])
  deliver(2)
  const buf = await read
  assert.equal(buf.length, PL)
  assert.equal(buf[0], 1)
  assert.equal(buf[PL - 1], 2)
  assert.equal(sources.size, 0)
})

test('reads: priority deferred wants the pieces behind urgent work and every window, nearest first', async () => {
  const { host, sources, deliver } = fakeHost()
  const read = readFileRange(host, file, 3 * PL, 2 * PL, { priority: 'deferred' })
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(wants(sources), [[3, 'deferred', Infinity, 0], [4, 'deferred', Infinity, PL]])
  deliver(3); deliver(4)
  assert.equal((await read).length, 2 * PL, 'it still completes')
})

test('reader: the window is what the caller set, capped at the reader\'s cache share and at its stated end', async () => {
  const { host, sources, deliver } = fakeHost()
  const windowOf = (): number[] => wants(sources).filter(([, cls]) => cls === 'readahead').map(([p]) => p)
  const reader = new Reader(host, file, PL, () => {})
  const read = reader.read(0, 10)
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(windowOf(), [0, 1], 'one piece length after the end of the read')
  reader.setReadahead(100 * PL)
  assert.deepEqual(windowOf(), [0, 1, 2, 3, 4], 'capped at the cache share (4 pieces here)')
  reader.limit(2 * PL)
  assert.deepEqual(windowOf(), [0, 1], 'nothing past the stated end')
  reader.limit(Infinity)
  reader.setReadahead(0)
  assert.deepEqual(windowOf(), [], 'a window of 0 wants nothing ahead')
  deliver(0)
  assert.equal((await read).length, 10)
  reader.close()
  assert.equal(sources.size, 0)
})

test('reader: a reader nobody sized keeps the minimum window, whatever it reads', async () => {
  const { host, sources, deliver } = fakeHost()
  host.readaheadCap = () => 100 * PL
  const reader = new Reader(host, file, undefined, () => {})
  for (let i = 0; i < 3; i++) {
    const read = reader.read(i * PL, PL)
    deliver(i)
    await read
  }
  const ahead = wants(sources).filter(([, cls]) => cls === 'readahead').map(([p]) => p)
  // max(2 MiB, 2 pieces), clamped to the file's end: the rest of the file here
  assert.deepEqual(ahead, [3, 4, 5, 6, 7, 8, 9])
  reader.close()
})

test('reads: a whole piece a read waited for goes out as a lent view, never the piece\'s own buffer, and the read marks it read through', async () => {
  const pool = new PiecePool(64 * PL)
  const { host } = fakeHost()
  host.lend = (v) => pool.lend(v)
  const through: number[] = []
  host.readThrough = (p) => { through.push(p) }
  const piece = pool.take(PL).fill(3)
  let give: ((buf: Buffer) => void) | undefined
  host.onPiece = (_p, cb) => { give = cb; return () => {} }
  const read = readFileRange(host, file, 3 * PL, PL, { shared: true })
  await new Promise((resolve) => setImmediate(resolve))
  give!(piece)
  const got = await read
  assert.notEqual(got, piece, 'a view, not the buffer the pool reuses')
  assert.equal(got.length, PL)
  assert.equal(got[0], 3)
  assert.deepEqual(through, [3], 'the read got to the piece\'s end')
  pool.release(piece)
  assert.notEqual(pool.take(PL), piece, 'the piece stays out while the view is')
  giveBack(got)
  assert.equal(pool.take(PL), piece, 'back once the view was given back')
  const part = readFileRange(host, file, 4 * PL, PL / 2, { shared: true })
  await new Promise((resolve) => setImmediate(resolve))
  give!(pool.take(PL))
  await part
  assert.deepEqual(through, [3], 'a read that stops short of the end does not mark it')
  pool.close()
})

test('reads: slices of pooled piece memory are lent once, and those only copied from go straight back', async () => {
  const pool = new PiecePool(64 * PL)
  const pieces = [0, 1, 2].map((p) => pool.take(PL).fill(p))
  const { host } = fakeHost()
  const held: Buffer[] = [] // every slice handed to the read stays referenced: only giveBack can return a piece
  host.pieceSlice = async (p, from, to) => { const v = pool.lend(pieces[p]!.subarray(from, to)); held.push(v); return v }
  host.lend = (v) => pool.lend(v)

  const shared = await readFileRange(host, file, 10, 100, { shared: true })
  assert.equal(shared, held[0], 'the slice itself, not a view of it')
  const copied = await readFileRange(host, file, PL + 10, 100)
  assert.equal(copied[0], 1)
  const across = await readFileRange(host, file, 2 * PL - 10, 20)
  assert.deepEqual([across[0], across[19]], [1, 2])
  for (const p of pieces) pool.release(p)
  assert.deepEqual(new Set([pool.take(PL), pool.take(PL)]), new Set([pieces[1], pieces[2]]), 'the pieces only copied from are free')
  assert.notEqual(pool.take(PL), pieces[0], 'the piece of the shared result is still out')
  giveBack(shared)
  assert.equal(pool.take(PL), pieces[0], 'back once the caller gave it back')
  assert.equal(held.length, 4)
  pool.close()
})

test('reader: its window is shallow until a read continues the one before; a jump makes it a probe again', async () => {
  const { host, sources, deliver } = fakeHost()
  host.readaheadCap = () => 100 * PL
  const reader = new Reader(host, file, 2 * PL, () => {})
  const window = (): Array<[number, boolean]> => {
    const out: Array<[number, boolean]> = []
    for (const s of sources) s.collect((piece, cls, _deadline, _distance, shallow) => { if (cls === 'readahead') out.push([piece, shallow === true]) })
    return out
  }
  const readAt = async (offset: number): Promise<void> => {
    const read = reader.read(offset, PL / 2)
    deliver(Math.floor(offset / PL))
    await read
  }
  await readAt(0)
  assert.deepEqual(window(), [[0, true], [1, true], [2, true]], 'one read: maybe a probe')
  await readAt(PL / 2)
  assert.deepEqual(window(), [[1, false], [2, false]], 'the next bytes: it streams')
  await readAt(3 * PL)
  assert.deepEqual(window(), [[3, false], [4, false], [5, false]], 'a read inside the window behind the last one still streams')
  await readAt(8 * PL)
  assert.deepEqual(window(), [[8, true], [9, true]], 'a jump past the window: a probe (a seek) again')
  await readAt(0)
  assert.deepEqual(window(), [[0, true], [1, true], [2, true]], 'and back before it')
  reader.limit(2 * PL)
  assert.deepEqual(window(), [[0, false], [1, false]], 'a caller that stated its end reads up to there')
  reader.close()
})

test('reader: a caller that says it may stop soon (setReadahead shallow) keeps even a streaming window shallow', async () => {
  const { host, sources, deliver } = fakeHost()
  host.readaheadCap = () => 100 * PL
  const reader = new Reader(host, file, PL, () => {})
  const shallow = (): boolean[] => {
    const out: boolean[] = []
    for (const s of sources) s.collect((_piece, cls, _deadline, _distance, sh) => { if (cls === 'readahead') out.push(sh === true) })
    return out
  }
  for (const offset of [0, PL / 2]) {
    const read = reader.read(offset, PL / 2)
    deliver(0)
    await read
  }
  assert.deepEqual(shallow(), [false], 'it streams')
  reader.setReadahead(PL, { shallow: true })
  assert.deepEqual(shallow(), [true], 'a probe, its caller says')
  reader.setReadahead(PL)
  assert.deepEqual(shallow(), [false], 'and a stream again')
  reader.close()
})
