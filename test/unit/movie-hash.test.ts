// The OpenSubtitles movie hash.
//
// Published reference values (HashSourceCodes page of the OpenSubtitles wiki,
// https://trac.opensubtitles.org/projects/opensubtitles/wiki/HashSourceCodes, repeated as the
// test vectors of https://github.com/opensubtitles/oshash):
//   breakdance.avi, 12,909,756 bytes                          -> 8e245d9679d31e12
//   dummy.bin, unpacked from dummy.rar, 4,295,033,890 bytes   -> 61f7751fc2a72bfb
// Neither can be reproduced without the files' bytes: the hash reads the first and the last
// 64 KiB, and no published text gives those bytes (dummy.bin is not all zeros: a zero file of
// that size would hash to its size, 0000000100010422). Tests may not download, and the files
// are not ours to vendor, so the published vectors run only when a developer points
// OSHASH_REFERENCE_DIR at a folder holding both files. What always runs instead: values derived
// by hand from the definition (size only, 64-bit wrap-around, the small-file rule of the
// reference C code) and an independent BigInt implementation reading real files, including a
// sparse file of dummy.bin's size (> 4 GiB, so offsets and the size pass 2^32).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MOVIE_HASH_MIN_SIZE, movieHash, movieHashRanges, movieHashUseful } from '../../src/subtitles/movie-hash.ts'

const DUMMY_SIZE = 4_295_033_890
const BREAKDANCE_SIZE = 12_909_756

/** Reads the ranges movieHashRanges names, as the caller will. */
async function hashFile (path: string): Promise<string> {
  const { size } = await stat(path)
  const fh = await open(path, 'r')
  try {
    const parts: Buffer[] = []
    for (const r of movieHashRanges(size)) {
      const buf = Buffer.alloc(r.length)
      const { bytesRead } = await fh.read(buf, 0, r.length, r.offset)
      assert.equal(bytesRead, r.length)
      parts.push(buf)
    }
    return movieHash(size, parts[0] ?? Buffer.alloc(0), parts[1] ?? Buffer.alloc(0))
  } finally {
    await fh.close()
  }
}

/** Independent implementation, transcribed from the wiki's C reference: whole words only, BigInt sums. */
async function referenceHash (path: string): Promise<string> {
  const { size } = await stat(path)
  const fh = await open(path, 'r')
  try {
    let hash = BigInt(size)
    for (const start of [0, Math.max(0, size - 65536)]) {
      const buf = Buffer.alloc(65536)
      const { bytesRead } = await fh.read(buf, 0, 65536, start)
      for (let i = 0; i + 8 <= bytesRead; i += 8) hash = (hash + buf.readBigUInt64LE(i)) & 0xffffffffffffffffn
    }
    return hash.toString(16).padStart(16, '0')
  } finally {
    await fh.close()
  }
}

test('hand-derived: zero ends hash to the size itself (dummy.bin size, above 2^32)', () => {
  const zeros = Buffer.alloc(65536)
  assert.equal(movieHash(DUMMY_SIZE, zeros, zeros), '0000000100010422')
  assert.equal(movieHash(MOVIE_HASH_MIN_SIZE, zeros, zeros), '0000000000020000')
})

test('hand-derived: sums wrap at 2^64', () => {
  // 16384 words of 2^64 - 1 add -16384 (mod 2^64): 131072 - 16384 = 114688 = 0x1c000
  const ones = Buffer.alloc(65536, 0xff)
  assert.equal(movieHash(131072, ones, ones), '000000000001c000')
  // one word of 2^64 - 1 is -1: size 200000 hashes to 199999 = 0x30d3f
  const head = Buffer.alloc(65536)
  head.writeBigUInt64LE(0xffffffffffffffffn, 0)
  assert.equal(movieHash(200_000, head, Buffer.alloc(65536)), '0000000000030d3f')
})

test('hand-derived: words are little-endian', () => {
  const head = Buffer.alloc(65536)
  head[0] = 0x01 // word 0 = 1
  head[15] = 0x80 // word 1 = 2^63
  // 1000000 + 1 + 2^63 = 0x80000000000f4241
  assert.equal(movieHash(1_000_000, head, Buffer.alloc(65536)), '80000000000f4241')
})

test('small files follow the reference C code: both ends are the whole file, a partial last word is ignored', () => {
  // 20 bytes of 0x01: two whole words (0x0101010101010101) read from each end, 4 bytes ignored:
  // 20 + 4 × 0x0101010101010101 = 0x0404040404040418
  const file = Buffer.alloc(20, 0x01)
  assert.deepEqual(movieHashRanges(20), [{ offset: 0, length: 20 }, { offset: 0, length: 20 }])
  assert.equal(movieHash(20, file, file), '0404040404040418')
  assert.equal(movieHash(0, Buffer.alloc(0), Buffer.alloc(0)), '0000000000000000')
  assert.deepEqual(movieHashRanges(0), [])
  assert.equal(movieHashUseful(MOVIE_HASH_MIN_SIZE), false, 'the site stores hashes of files larger than 131072 bytes only')
  assert.equal(movieHashUseful(MOVIE_HASH_MIN_SIZE + 1), true)
})

test('ranges: first and last 64 KiB, overlapping below 128 KiB', () => {
  assert.deepEqual(movieHashRanges(BREAKDANCE_SIZE), [{ offset: 0, length: 65536 }, { offset: BREAKDANCE_SIZE - 65536, length: 65536 }])
  assert.deepEqual(movieHashRanges(100_000), [{ offset: 0, length: 65536 }, { offset: 100_000 - 65536, length: 65536 }])
  assert.deepEqual(movieHashRanges(DUMMY_SIZE)[1], { offset: DUMMY_SIZE - 65536, length: 65536 })
})

test('wrong buffer lengths or sizes are refused instead of hashing the wrong bytes', () => {
  assert.throws(() => movieHash(200_000, Buffer.alloc(65535), Buffer.alloc(65536)), RangeError)
  assert.throws(() => movieHash(100, Buffer.alloc(65536), Buffer.alloc(65536)), /must be 100 bytes/)
  assert.throws(() => movieHashRanges(-1), RangeError)
  assert.throws(() => movieHashRanges(1.5), RangeError)
})

test('agrees with an independent implementation on real files (random, odd sizes, sparse > 4 GiB)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'momoshtrem-oshash-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const sizes = [13, 65_536, 100_003, 131_072, 131_080, 1_048_576, BREAKDANCE_SIZE]
  for (const size of sizes) {
    const path = join(dir, `f${size}.bin`)
    const fh = await open(path, 'w')
    // random ends, a NUL-filled (sparse) middle: only the ends are read
    await fh.truncate(size)
    const n = Math.min(size, 65536)
    await fh.write(randomBytes(n), 0, n, 0)
    await fh.write(randomBytes(n), 0, n, size - n)
    await fh.close()
    assert.equal(await hashFile(path), await referenceHash(path), `size ${size}`)
  }
  // dummy.bin's size: offsets past 2^32, written sparse (no 4 GB on disk)
  const big = join(dir, 'dummy-size.bin')
  const fh = await open(big, 'w')
  await fh.truncate(DUMMY_SIZE)
  await fh.write(randomBytes(65536), 0, 65536, 0)
  await fh.write(randomBytes(65536), 0, 65536, DUMMY_SIZE - 65536)
  await fh.close()
  assert.equal(await hashFile(big), await referenceHash(big))
})

const referenceDir = process.env.OSHASH_REFERENCE_DIR
const haveReference = referenceDir !== undefined &&
  existsSync(join(referenceDir, 'breakdance.avi')) && existsSync(join(referenceDir, 'dummy.bin'))

test('published OpenSubtitles vectors (breakdance.avi, dummy.bin)', { skip: haveReference ? false : 'set OSHASH_REFERENCE_DIR to a folder with breakdance.avi and the unpacked dummy.bin' }, async () => {
  const dir = referenceDir ?? ''
  assert.equal((await stat(join(dir, 'breakdance.avi'))).size, BREAKDANCE_SIZE)
  assert.equal(await hashFile(join(dir, 'breakdance.avi')), '8e245d9679d31e12')
  assert.equal((await stat(join(dir, 'dummy.bin'))).size, DUMMY_SIZE)
  assert.equal(await hashFile(join(dir, 'dummy.bin')), '61f7751fc2a72bfb')
})
