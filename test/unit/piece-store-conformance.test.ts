// One conformance suite for every piece store configuration (disk alone, the hot-piece memory
// in front of the disk), on real files in a temp folder: what a Transfer relies on whichever
// store it is given.
import { describe, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger } from '../../src/logger.ts'
import { HotPieces } from '../../src/torrent/hot-pieces.ts'
import type { TorrentMeta } from '../../src/torrent/metadata.ts'
import { PieceCache } from '../../src/torrent/piece-cache.ts'
import { giveBack, PiecePool } from '../../src/torrent/piece-pool.ts'
import type { PieceStore, PieceStoreHooks } from '../../src/torrent/piece-store.ts'

const PL = 1024

/** The configurations under test; the hot set holds 2 pieces, so a third pushes one out. */
const CONFIGS: Array<{ name: string, hot: () => HotPieces | null }> = [
  { name: 'disk', hot: () => null },
  { name: 'hot pieces over disk', hot: () => new HotPieces(2, 4 * PL) },
  // as the engine runs it: pieces in pooled memory, reads back from disk into pooled memory too
  { name: 'hot pieces over disk, pooled', hot: () => new HotPieces(2, 4 * PL, new PiecePool(64 * PL)) }
]

function meta (hashChar: string, pieces: Buffer[]): TorrentMeta {
  const length = pieces.reduce((n, p) => n + p.length, 0)
  return {
    info: { infoHash: hashChar.repeat(40), name: 'x', length, pieceLength: PL, pieceCount: pieces.length, files: [{ index: 0, path: 'x', length, offset: 0 }] },
    hashes: pieces.map(p => createHash('sha1').update(p).digest()),
    infoBuffer: new Uint8Array(),
    torrentFile: new Uint8Array()
  }
}

/** `n` pieces, the last `last` bytes long; each holds a NUL byte (a fixture that catches C-string bugs). */
function data (n: number, last = PL): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const b = Buffer.alloc(i === n - 1 ? last : PL, i + 1)
    b[Math.floor(b.length / 2)] = 0
    return b
  })
}

function tempDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'mm-store-'))
  t.after(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** Replaces a file by a new one (new inode: detected whatever the file system's timestamp granularity). */
function replaceFile (path: string, content: Buffer): void {
  writeFileSync(`${path}.new`, content)
  renameSync(`${path}.new`, path)
}

/** Every file under `dir`, relative. */
function files (dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
}

for (const config of CONFIGS) {
  describe(`piece store (${config.name})`, () => {
    const open = (dir: string, limit: number): PieceCache =>
      new PieceCache({ folder: dir, limit, log: createLogger('silent'), hot: config.hot() })

    /** A store with hooks that record evictions and pin what `pinned` says. */
    async function store (cache: PieceCache, m: TorrentMeta, log: string[], tag = ''): Promise<{ s: PieceStore, pin: (f: (i: number) => boolean) => void }> {
      let pinned: (i: number) => boolean = () => false
      const hooks: PieceStoreHooks = { isPinned: i => pinned(i), evicted: i => { log.push(`${tag}${i}`) } }
      const s = await cache.open(m, hooks)
      return { s, pin: f => { pinned = f } }
    }

    test('put, has, get: exact ranges, short last piece, missing pieces, bytes', async (t) => {
      const pieces = data(3, 100)
      const cache = open(tempDir(t), 100 * PL)
      const { s } = await store(cache, meta('a', pieces), [])
      assert.equal(await s.read(0, 0, 1), null, 'nothing held yet')
      for (let i = 0; i < 3; i++) assert.equal(await s.write(i, pieces[i]!), true)
      assert.equal(await s.write(1, pieces[1]!), true, 'a held piece is reported stored')
      assert.deepEqual([s.have.get(0), s.have.get(1), s.have.get(2)], [true, true, true])
      assert.equal(s.bytes, 2 * PL + 100)
      assert.deepEqual(cache.usage(), { used: 2 * PL + 100, limit: 100 * PL })
      assert.deepEqual(await s.read(0, 10, 5), pieces[0]!.subarray(10, 15))
      assert.deepEqual(await s.read(1, 0, PL), pieces[1])
      assert.deepEqual(await s.read(2, 90, 10), pieces[2]!.subarray(90))
      assert.deepEqual(await s.read(0, PL / 2 - 1, 3), pieces[0]!.subarray(PL / 2 - 1, PL / 2 + 2), 'the NUL byte survives')
    })

    test('one LRU budget across torrents, pinned pieces kept, eviction reported', async (t) => {
      const dir = tempDir(t)
      const cache = open(dir, 3 * PL)
      const pa = data(4)
      const pb = data(2, 100)
      const evicted: string[] = []
      const a = await store(cache, meta('a', pa), evicted, 'a')
      const b = await store(cache, meta('b', pb), evicted, 'b')
      a.pin(i => i === 0)
      assert.equal(await a.s.write(0, pa[0]!), true)
      assert.equal(await a.s.write(1, pa[1]!), true)
      assert.equal(await b.s.write(0, pb[0]!), true)
      assert.deepEqual(cache.usage(), { used: 3 * PL, limit: 3 * PL })
      assert.equal(await b.s.write(1, pb[1]!), true) // evicts a1 (oldest unpinned), not a0 (pinned)
      assert.deepEqual(evicted, ['a1'])
      assert.equal(a.s.have.get(0), true)
      assert.equal(a.s.have.get(1), false)
      assert.ok(cache.usage().used <= 3 * PL)
      assert.deepEqual(await a.s.read(0, 10, 5), pa[0]!.subarray(10, 15))
      assert.equal(await a.s.read(1, 0, 1), null)
      // everything pinned: a new piece is refused, nothing evicted
      a.pin(() => true)
      b.pin(() => true)
      assert.equal(await a.s.write(2, pa[2]!), false)
      assert.equal(a.s.have.get(2), false)
      await b.s.destroy()
      assert.equal(cache.usage().used, PL)
      assert.deepEqual(readdirSync(dir), ['a'.repeat(40)])
      await cache.close()
      assert.equal(await a.s.write(3, pa[3]!), false, 'no writes after close')
    })

    test('a piece read or touched is the last to be evicted for room', async (t) => {
      const pieces = data(5)
      const cache = open(tempDir(t), 3 * PL)
      const evicted: string[] = []
      const { s } = await store(cache, meta('c', pieces), evicted)
      for (let i = 0; i < 3; i++) await s.write(i, pieces[i]!)
      s.touch(0)
      await s.write(3, pieces[3]!)
      assert.deepEqual(evicted, ['1'])
      assert.deepEqual(await s.read(2, 0, 1), pieces[2]!.subarray(0, 1))
      await s.write(4, pieces[4]!)
      assert.deepEqual(evicted, ['1', '0'], 'piece 2 was just read, piece 0 is now the oldest')
    })

    test('evict drops the piece and its file and reports it; evicting a missing piece does nothing', async (t) => {
      const dir = tempDir(t)
      const pieces = data(2)
      const cache = open(dir, 100 * PL)
      const evicted: string[] = []
      const { s } = await store(cache, meta('d', pieces), evicted)
      await s.write(0, pieces[0]!)
      await s.read(0, 0, PL) // in memory too, where there is memory
      await s.evict(0)
      await s.evict(1)
      assert.deepEqual(evicted, ['0'])
      assert.equal(s.have.get(0), false)
      assert.equal(s.bytes, 0)
      assert.equal(await s.read(0, 0, 1), null, 'no copy is served after eviction')
      assert.deepEqual(files(join(dir, 'd'.repeat(40))), [])
    })

    test('restart trusts files by size, verifies on first read, drops corrupt ones', async (t) => {
      const dir = tempDir(t)
      const pieces = data(3, 10)
      const m = meta('e', pieces)
      const { s: first } = await store(open(dir, 100 * PL), m, [])
      for (let i = 0; i < 3; i++) await first.write(i, pieces[i]!)
      const folder = join(dir, 'e'.repeat(40))
      writeFileSync(join(folder, '1'), Buffer.alloc(PL, 0xee)) // corrupt, right size
      writeFileSync(join(folder, '2'), Buffer.alloc(5)) // wrong size: dropped at scan
      writeFileSync(join(folder, '0.tmp'), Buffer.alloc(PL)) // stray temp file: dropped
      const cache = open(dir, 100 * PL)
      const { s } = await store(cache, m, [])
      assert.deepEqual([s.have.get(0), s.have.get(1), s.have.get(2)], [true, true, false])
      assert.deepEqual(await s.read(0, 0, PL), pieces[0])
      assert.equal(await s.read(1, 0, PL), null, 'corrupt piece detected on first read')
      assert.equal(s.have.get(1), false)
      assert.deepEqual(readdirSync(folder).sort(), ['0'])
      assert.equal(cache.usage().used, PL)
    })

    test('a piece file changed after verification is re-hashed on read: dropped when wrong, kept when right', async (t) => {
      const dir = tempDir(t)
      const pieces = data(5)
      const evicted: string[] = []
      const { s } = await store(open(dir, 100 * PL), meta('f', pieces), evicted)
      await s.write(0, pieces[0]!)
      assert.deepEqual(await s.read(0, 0, PL), pieces[0], 'verified once')
      await s.write(1, pieces[1]!)
      assert.deepEqual(await s.read(1, 0, PL), pieces[1])
      for (let i = 2; i < 5; i++) await s.write(i, pieces[i]!)
      // a 2-piece memory let pieces 0 and 1 go first (read to their ends) when 2 and 3 came,
      // and 4 came into a memory full of unread pieces: those three are on disk only. What
      // memory holds was verified, only the disk can change behind our back
      const folder = join(dir, 'f'.repeat(40))
      replaceFile(join(folder, '0'), Buffer.alloc(PL, 0xee))
      replaceFile(join(folder, '1'), pieces[1]!) // rewritten with the right bytes
      assert.equal(await s.read(0, 10, 5), null, 'a changed, wrong piece is never served')
      assert.equal(s.have.get(0), false)
      assert.deepEqual(evicted, ['0'], 'peers hear that it is gone')
      assert.equal(existsSync(join(folder, '0')), false)
      assert.deepEqual(await s.read(1, 10, 5), pieces[1]!.subarray(10, 15), 'a changed file that still hashes right is kept')
      assert.equal(s.have.get(1), true)
      rmSync(join(folder, '4'))
      assert.equal(await s.read(4, 0, 1), null, 'a missing piece file is dropped')
      assert.deepEqual(evicted, ['0', '4'])
    })

    test('a failed write leaves no temp file, keeps nothing, and the next write succeeds', async (t) => {
      const dir = tempDir(t)
      const pieces = data(3)
      const cache = open(dir, 100 * PL)
      const { s } = await store(cache, meta('g', pieces), [])
      const folder = join(dir, 'g'.repeat(40))
      mkdirSync(join(folder, '1', 'x'), { recursive: true }) // the rename onto it fails
      assert.equal(await s.write(1, pieces[1]!), false)
      assert.equal(s.have.get(1), false)
      assert.equal(s.bytes, 0)
      assert.equal(cache.usage().used, 0)
      assert.deepEqual(files(folder).filter(f => f.endsWith('.tmp')), [], 'no temp file left behind')
      assert.equal(await s.read(1, 0, 1), null)
      assert.equal(await s.write(2, pieces[2]!), true, 'writes go on after a failure')
      assert.deepEqual(await s.read(2, 0, PL), pieces[2])
    })

    test('destroy removes the folder and the budget; nothing is written afterwards', async (t) => {
      const dir = tempDir(t)
      const pieces = data(2)
      const cache = open(dir, 100 * PL)
      const { s } = await store(cache, meta('h', pieces), [])
      await s.write(0, pieces[0]!)
      await s.destroy()
      assert.equal(cache.usage().used, 0)
      assert.equal(await s.write(1, pieces[1]!), false)
      assert.deepEqual(readdirSync(dir), [])
    })
  })
}

test('hot pieces: a piece read back from disk lands in pooled memory, reused once its views are given back', async (t) => {
  const pieces = data(6)
  const pool = new PiecePool(64 * PL)
  const cache = new PieceCache({ folder: tempDir(t), limit: 100 * PL, log: createLogger('silent'), hot: new HotPieces(1, PL, pool) })
  const s = await cache.open(meta('p', pieces), {})
  // read-ahead nobody has read yet: the one-piece set keeps the first, the one a reader reaches first
  for (let i = 0; i < 6; i++) assert.equal(await s.write(i, pieces[i]!), true)
  const before = pool.allocated
  for (let i = 1; i < 6; i++) {
    const view = await s.read(i, 10, 100)
    assert.deepEqual(view, pieces[i]!.subarray(10, 110))
    giveBack(view!) // a response wrote it out
  }
  // each read pushes the previous piece out of the one-piece set: two pieces of memory take turns
  assert.equal(pool.allocated - before, 2, 'pieces allocated for five reads back from disk')
  assert.equal(pool.reused, 3)
  await cache.close()
  pool.close()
})

/** A store over `hot` (closed with the test) and a fresh cache folder, with `n` pieces of torrent `hashChar`. */
async function hotStore (t: TestContext, hot: HotPieces, n: number, hashChar: string): Promise<{ s: PieceStore, pieces: Buffer[], h: string }> {
  t.after(() => { hot.close() })
  const cache = new PieceCache({ folder: tempDir(t), limit: 100 * PL, log: createLogger('silent'), hot })
  const pieces = data(n)
  const m = meta(hashChar, pieces)
  return { s: await cache.open(m, {}), pieces, h: m.info.infoHash }
}

test('hot pieces: a cold write (a prefetched piece nobody reads yet) is kept on disk only, until read', async (t) => {
  const hot = new HotPieces(4, 4 * PL)
  const { s, pieces, h } = await hotStore(t, hot, 2, 'k')
  assert.equal(await s.write(0, pieces[0]!, 'cold'), true)
  assert.equal(hot.get(h, 0), undefined, 'a cold piece is not held in memory')
  assert.deepEqual(await s.read(0, 0, PL), pieces[0], 'a cold piece reads back from disk')
  assert.deepEqual(hot.get(h, 0), pieces[0], 'once read it is held like any other')
  assert.equal(await s.write(1, pieces[1]!), true)
  assert.deepEqual(hot.get(h, 1), pieces[1], 'a piece written for a reader is held')
})

test('hot pieces: full, the set lets go of a piece read to its end before an older one nobody has read yet', async (t) => {
  const hot = new HotPieces(2, 2 * PL)
  const { s, pieces, h } = await hotStore(t, hot, 3, 'c')
  assert.equal(await s.write(0, pieces[0]!), true) // read-ahead, not read yet
  assert.equal(await s.write(1, pieces[1]!), true)
  assert.deepEqual(await s.read(1, 0, PL / 2), pieces[1]!.subarray(0, PL / 2))
  assert.deepEqual(await s.read(1, PL / 2, PL / 2), pieces[1]!.subarray(PL / 2), 'the reader reaches the end of piece 1')
  assert.equal(await s.write(2, pieces[2]!), true)
  assert.deepEqual(hot.get(h, 0), pieces[0], 'the unread piece stays in memory')
  assert.equal(hot.get(h, 1), undefined, 'the piece read to its end went first')
  assert.deepEqual(hot.get(h, 2), pieces[2])
})

test('hot pieces: full of pieces nobody has read yet, the set keeps them and not a newer arrival; a piece a read waits on stays', async (t) => {
  const hot = new HotPieces(2, 2 * PL)
  const { s, pieces, h } = await hotStore(t, hot, 4, 'r')
  for (const i of [0, 1, 2]) assert.equal(await s.write(i, pieces[i]!), true) // read-ahead of a reader behind
  assert.deepEqual(hot.get(h, 0), pieces[0], 'the piece the reader reaches first stays')
  assert.deepEqual(hot.get(h, 1), pieces[1])
  assert.equal(hot.get(h, 2), undefined, 'the newest read-ahead is on disk only')
  assert.equal(await s.write(3, pieces[3]!, 'reading'), true)
  assert.deepEqual(hot.get(h, 3), pieces[3], 'a piece a read waits on is held')
  assert.deepEqual(hot.get(h, 0), pieces[0], 'in place of the read-ahead stored last')
  assert.equal(hot.get(h, 1), undefined)
  assert.deepEqual(await s.read(2, 0, PL / 2), pieces[2]!.subarray(0, PL / 2), 'read back from disk')
  assert.deepEqual(hot.get(h, 2), pieces[2], 'a piece read back is held for the rest of its read')
})

test('hot pieces: pieces nobody touched for 30 s go before fresh ones (a reader that went away)', async (t) => {
  let now = 1_000_000
  const hot = new HotPieces(2, 2 * PL, undefined, () => now)
  const { s, pieces, h } = await hotStore(t, hot, 3, 's')
  assert.equal(await s.write(0, pieces[0]!), true)
  now += 20_000
  assert.equal(await s.write(1, pieces[1]!), true)
  now += 11_000
  assert.equal(await s.write(2, pieces[2]!), true)
  assert.equal(hot.get(h, 0), undefined, 'the piece untouched for 31 s went')
  assert.deepEqual(hot.get(h, 1), pieces[1])
  assert.deepEqual(hot.get(h, 2), pieces[2], 'the new arrival took its place')
})

test('hot pieces: a piece read to its end from its buffer while it was written (consumed) goes first', async (t) => {
  const hot = new HotPieces(2, 2 * PL)
  const { s, pieces, h } = await hotStore(t, hot, 3, 'w')
  assert.equal(await s.write(0, pieces[0]!), true)
  assert.equal(await s.write(1, pieces[1]!), true)
  s.consumed?.(1) // the engine served piece 1's last bytes from its buffer before the write ended
  assert.equal(await s.write(2, pieces[2]!), true)
  assert.equal(hot.get(h, 1), undefined, 'the piece already read went')
  assert.deepEqual(hot.get(h, 0), pieces[0], 'the unread piece stays')
  assert.deepEqual(hot.get(h, 2), pieces[2], 'the new arrival is held in its place')
})
