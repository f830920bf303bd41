// The OpenSubtitles "movie hash" (OSHash, first written for Media Player Classic): the file
// size plus the sum of the 64-bit little-endian words of the first and of the last 64 KiB,
// modulo 2^64, written as 16 lower-case hex digits. It reads only those two ends, which the
// streaming code pins anyway, so hashing a torrent file costs no extra swarm traffic.
//
// Definition: the HashSourceCodes page of the OpenSubtitles wiki
// (https://trac.opensubtitles.org/projects/opensubtitles/wiki/HashSourceCodes) and its reference
// C code; restated at https://opensubtitles.github.io/oshash.
//
// Small files: the wiki defines the hash for every size ("size + 64bit chksum of the first and
// last 64k (even if they overlap because the file is smaller than 128k)"), and its C reference
// code reads whole 8-byte words only (fread of a partial word returns 0 and ends the loop), with
// the tail starting at max(0, size - 65536). That is followed here exactly, so movieHash never
// refuses a size. The same page says the site only stores files larger than 131072 bytes, so a
// hash of a smaller file cannot match anything: `movieHashUseful` says whether to send one.

/** Bytes read at each end of the file. */
export const MOVIE_HASH_CHUNK = 65536

/** OpenSubtitles keeps hashes only of files larger than this (HashSourceCodes: "> 131072 bytes"). */
export const MOVIE_HASH_MIN_SIZE = 2 * MOVIE_HASH_CHUNK

export interface ByteRange { offset: number, length: number }

function checkSize (size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`movie hash: invalid file size ${size}`)
}

/**
 * The two byte ranges movieHash needs: the first and the last min(64 KiB, size) bytes. They
 * overlap (or are the same range) for files smaller than 128 KiB; an empty file needs none.
 */
export function movieHashRanges (size: number): ByteRange[] {
  checkSize(size)
  if (size === 0) return []
  const length = Math.min(MOVIE_HASH_CHUNK, size)
  return [{ offset: 0, length }, { offset: size - length, length }]
}

/** Whether OpenSubtitles can know this file's hash at all; smaller files are searched by id only. */
export function movieHashUseful (size: number): boolean {
  return Number.isSafeInteger(size) && size > MOVIE_HASH_MIN_SIZE
}

/** Sum of the whole 8-byte little-endian words of `buf`, as 32-bit halves (exact in a double: at most 8192 × 2^32 each). */
function addWords (buf: Buffer): { lo: number, hi: number } {
  let lo = 0
  let hi = 0
  const end = buf.length - (buf.length % 8)
  for (let i = 0; i < end; i += 8) {
    lo += buf.readUInt32LE(i)
    hi += buf.readUInt32LE(i + 4)
  }
  return { lo, hi }
}

const MASK64 = (1n << 64n) - 1n

/**
 * The hash of a file of `size` bytes whose first min(65536, size) bytes are `head` and whose
 * last min(65536, size) bytes are `tail`. Throws RangeError when the buffers do not have
 * exactly that length (reading the wrong range would give a plausible but wrong hash).
 */
export function movieHash (size: number, head: Buffer, tail: Buffer): string {
  checkSize(size)
  const expected = Math.min(MOVIE_HASH_CHUNK, size)
  if (head.length !== expected || tail.length !== expected) {
    throw new RangeError(`movie hash: head and tail must be ${expected} bytes for a file of ${size} bytes (got ${head.length} and ${tail.length})`)
  }
  const a = addWords(head)
  const b = addWords(tail)
  const sum = BigInt(size) + BigInt(a.lo + b.lo) + (BigInt(a.hi + b.hi) << 32n)
  return (sum & MASK64).toString(16).padStart(16, '0')
}
