import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PieceCache } from '../../src/torrent/piece-store.ts'
import type { TorrentMeta } from '../../src/torrent/metadata.ts'
import { createLogger } from '../../src/logger.ts'

const PL = 1024

function meta (hashChar: string, pieces: Buffer[]): TorrentMeta {
  const length = pieces.reduce((n, p) => n + p.length, 0)
  return {
    info: { infoHash: hashChar.repeat(40), name: 'x', length, pieceLength: PL, pieceCount: pieces.length, files: [{ index: 0, path: 'x', length, offset: 0 }] },
    hashes: pieces.map(p => createHash('sha1').update(p).digest()),
    infoBuffer: new Uint8Array(),
    torrentFile: new Uint8Array()
  }
}

const data = (n: number, last = PL): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.alloc(i === n - 1 ? last : PL, i + 1))

test('piece cache: one LRU budget across torrents, pinned pieces kept, eviction reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mm-store-'))
  t.after(() => { rmSync(dir, { recursive: true, force: true }) })
  const cache = new PieceCache(dir, 3 * PL, createLogger('silent'))
  const pa = data(4)
  const pb = data(2, 100)
  const a = await cache.open(meta('a', pa))
  const b = await cache.open(meta('b', pb))
  const evicted: string[] = []
  a.onEvict = i => evicted.push(`a${i}`)
  b.onEvict = i => evicted.push(`b${i}`)
  a.isPinned = i => i === 0
  assert.equal(await a.write(0, pa[0]!), true)
  assert.equal(await a.write(1, pa[1]!), true)
  assert.equal(await b.write(0, pb[0]!), true)
  assert.deepEqual(cache.usage(), { used: 3 * PL, limit: 3 * PL })
  assert.equal(await b.write(1, pb[1]!), true) // evicts a1 (oldest unpinned), not a0 (pinned)
  assert.deepEqual(evicted, ['a1'])
  assert.equal(a.have.get(0), true)
  assert.equal(a.have.get(1), false)
  assert.ok(cache.usage().used <= 3 * PL)
  assert.deepEqual(await a.read(0, 10, 5), pa[0]!.subarray(10, 15))
  assert.equal(await a.read(1, 0, 1), null)
  // everything pinned: a new piece is refused, nothing evicted
  a.isPinned = () => true
  b.isPinned = () => true
  assert.equal(await a.write(2, pa[2]!), false)
  assert.equal(a.have.get(2), false)
  await b.destroy()
  assert.equal(cache.usage().used, PL)
  assert.deepEqual(readdirSync(dir), ['a'.repeat(40)])
  await cache.close()
  assert.equal(await a.write(3, pa[3]!), false, 'no writes after close')
})

test('piece cache: restart trusts files by size, verifies on first read, drops corrupt ones', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mm-store-'))
  t.after(() => { rmSync(dir, { recursive: true, force: true }) })
  const pieces = data(3, 10)
  const m = meta('c', pieces)
  const first = await new PieceCache(dir, 100 * PL, createLogger('silent')).open(m)
  for (let i = 0; i < 3; i++) await first.write(i, pieces[i]!)
  const folder = join(dir, 'c'.repeat(40))
  writeFileSync(join(folder, '1'), Buffer.alloc(PL, 0xee)) // corrupt, right size
  writeFileSync(join(folder, '2'), Buffer.alloc(5)) // wrong size: dropped at scan
  writeFileSync(join(folder, '0.tmp'), Buffer.alloc(PL)) // stray temp file: dropped
  const cache = new PieceCache(dir, 100 * PL, createLogger('silent'))
  const s = await cache.open(m)
  assert.deepEqual([s.have.get(0), s.have.get(1), s.have.get(2)], [true, true, false])
  assert.deepEqual(await s.read(0, 0, PL), pieces[0])
  assert.equal(await s.read(1, 0, PL), null, 'corrupt piece detected on first read')
  assert.equal(s.have.get(1), false)
  assert.deepEqual(readdirSync(folder).sort(), ['0'])
  assert.equal(cache.usage().used, PL)
})
