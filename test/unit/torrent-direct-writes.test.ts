import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { constants, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, type BigIntStats } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { DirectWrites } from '../../src/torrent/direct-writes.ts'
import { PiecePool } from '../../src/torrent/piece-pool.ts'
import { tempDir } from '../helpers/app.ts'

const MiB = 1024 * 1024

/** A logger whose lines the test reads. */
function capture (): { log: Logger, lines: Array<{ msg: string }> } {
  const lines: Array<{ msg: string }> = []
  return { log: pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s) as { msg: string }) } }), lines }
}

/** The test folder, or a skip when its filesystem takes no O_DIRECT (then there is nothing to test). */
function directDir (t: TestContext): string | null {
  const dir = tempDir(t)
  if (constants.O_DIRECT === undefined) { t.skip('no O_DIRECT on this platform'); return null }
  try {
    closeSync(openSync(join(dir, 'probe'), constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT))
  } catch {
    t.skip(`the filesystem of ${dir} refuses O_DIRECT`)
    return null
  }
  return dir
}

function piece (pool: PiecePool, size: number, fill: number): Buffer {
  const buf = pool.take(size)
  for (let i = 0; i < size; i += 4096) buf.fill((fill + i / 4096) & 0xff, i, Math.min(size, i + 4096))
  return buf
}

test('direct writes: a pooled piece is written past the page cache, byte-exact, and stamped as written', async (t) => {
  const dir = directDir(t)
  if (dir === null) return
  const pool = new PiecePool(64 * MiB)
  const w = new DirectWrites(true, capture().log)
  for (const [i, size] of [[0, MiB], [1, 4 * MiB], [2, 256 * 1024]] as const) {
    const data = piece(pool, size, i * 7)
    const stamp = await w.writeFile(join(dir, String(i)), data)
    assert.ok(readFileSync(join(dir, String(i))).equals(data), `piece ${i} reads back as written`)
    const st: BigIntStats = statSync(join(dir, String(i)), { bigint: true })
    assert.equal(stamp.size, BigInt(size))
    assert.equal(stamp.mtimeNs, st.mtimeNs, 'the stamp describes the file as it stays')
    assert.equal(stamp.ino, st.ino)
  }
  assert.equal(w.direct, 3, 'every piece of whole pages from the pool went direct')
  assert.equal(w.buffered, 0)
  pool.close()
})

test('direct writes: a short last piece, a small piece and memory off the page go through the page cache', async (t) => {
  const dir = directDir(t)
  if (dir === null) return
  const pool = new PiecePool(64 * MiB)
  const w = new DirectWrites(true, capture().log)
  const last = piece(pool, MiB - 1000, 3)
  const small = piece(pool, 64 * 1024, 5)
  const offPage = Buffer.alloc(MiB + 1, 9).subarray(1)
  await w.writeFile(join(dir, 'last'), last)
  await w.writeFile(join(dir, 'small'), small)
  await w.writeFile(join(dir, 'off'), offPage)
  assert.ok(readFileSync(join(dir, 'last')).equals(last))
  assert.ok(readFileSync(join(dir, 'small')).equals(small))
  assert.ok(readFileSync(join(dir, 'off')).equals(offPage), 'the refused direct write was redone whole through the page cache')
  assert.equal(w.buffered, 3)
  assert.equal(w.direct, 0)
  // one misaligned piece does not turn direct writes off
  const next = piece(pool, MiB, 11)
  await w.writeFile(join(dir, 'next'), next)
  assert.equal(w.direct, 1)
  assert.ok(readFileSync(join(dir, 'next')).equals(next))
  pool.close()
})

test('direct writes: misaligned memory piece after piece turns them off, said once in the log', async (t) => {
  const dir = directDir(t)
  if (dir === null) return
  const { log, lines } = capture()
  const w = new DirectWrites(true, log)
  for (let i = 0; i < 10; i++) await w.writeFile(join(dir, String(i)), Buffer.alloc(MiB + 1, i).subarray(1))
  const pool = new PiecePool(64 * MiB)
  const aligned = piece(pool, MiB, 1)
  await w.writeFile(join(dir, 'aligned'), aligned)
  assert.equal(w.direct, 0, 'off: even aligned memory goes through the page cache')
  assert.equal(w.buffered, 11)
  assert.ok(readFileSync(join(dir, 'aligned')).equals(aligned))
  assert.deepEqual(lines.map(l => l.msg), ['piece files are written through the page cache: piece memory is not page-aligned'])
  pool.close()
})

test('direct writes: turned off in the configuration, every piece goes through the page cache', async (t) => {
  const dir = tempDir(t)
  const pool = new PiecePool(64 * MiB)
  const w = new DirectWrites(false, capture().log)
  const data = piece(pool, MiB, 2)
  await w.writeFile(join(dir, 'p'), data)
  assert.equal(w.direct, 0)
  assert.equal(w.buffered, 1)
  assert.ok(readFileSync(join(dir, 'p')).equals(data))
  pool.close()
})

test('direct writes: a write that fails for another reason fails (the store removes the file and logs the outage)', async (t) => {
  const dir = tempDir(t)
  const pool = new PiecePool(64 * MiB)
  const w = new DirectWrites(true, capture().log)
  await assert.rejects(w.writeFile(join(dir, 'missing-folder', 'p'), piece(pool, MiB, 4)), { code: 'ENOENT' })
  await assert.rejects(w.writeFile(join(dir, 'missing-folder', 'q'), Buffer.alloc(1000)), { code: 'ENOENT' })
  pool.close()
})

/**
 * A folder on ramfs, a filesystem that refuses O_DIRECT at open (EINVAL), as some FUSE and
 * network filesystems do; unmounted when the test ends. A skip where mounting is not allowed
 * (not root, a container without the capability).
 */
function refusingDir (t: TestContext): string | null {
  if (constants.O_DIRECT === undefined) { t.skip('no O_DIRECT on this platform'); return null }
  if (process.platform !== 'linux' || process.getuid?.() !== 0) { t.skip('mounting ramfs needs root on Linux'); return null }
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-ramfs-'))
  const mounted = spawnSync('mount', ['-t', 'ramfs', 'ramfs', dir], { encoding: 'utf8', timeout: 10_000 })
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    t.skip(`ramfs cannot be mounted here: ${(mounted.stderr ?? mounted.error?.message ?? '').trim()}`)
    return null
  }
  t.after(() => {
    spawnSync('umount', [dir], { timeout: 10_000 })
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

test('direct writes: a filesystem that refuses O_DIRECT turns them off at the first piece, which is redone through the page cache, said once', async (t) => {
  const dir = refusingDir(t)
  if (dir === null) return
  const { log, lines } = capture()
  const pool = new PiecePool(64 * MiB)
  const w = new DirectWrites(true, log)
  const pieces = [0, 1, 2].map((i) => piece(pool, MiB, i * 5))
  for (const [i, data] of pieces.entries()) {
    const stamp = await w.writeFile(join(dir, String(i)), data)
    assert.ok(readFileSync(join(dir, String(i))).equals(data), `piece ${i} reads back as written`)
    assert.equal(stamp.size, BigInt(MiB))
  }
  assert.equal(w.direct, 0)
  assert.equal(w.buffered, 3, 'the refused piece and the two after it, each written once through the page cache')
  assert.deepEqual(lines.map(l => l.msg), ['piece files are written through the page cache: the filesystem refuses O_DIRECT'])
  pool.close()
})
