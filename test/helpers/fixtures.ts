// Deterministic torrent content for the engine tests, interop tests and the benchmark.
//
// Bytes come from a seeded PRNG (AES-256-CTR keystream keyed by sha256(seed, path): fast,
// reproducible across runs and machines) and every file has NUL bytes at its first byte and
// at its middle byte, so an engine that treats data as text fails loudly.
import { createCipheriv, createHash } from 'node:crypto'
import { mkdirSync, openSync, readSync, closeSync, writeSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { TestContext } from 'node:test'

export const KiB = 1024
export const MiB = 1024 * 1024

export interface FixtureFileSpec {
  /** '/'-separated path inside the torrent's folder (multi-file) or the file name (single-file) */
  path: string
  length: number
}

export interface FixtureSpec {
  /** torrent name: the folder name (multi-file) or the file name (single-file) */
  name: string
  /** one file whose path equals `name` and `single: true` makes a single-file torrent */
  files: FixtureFileSpec[]
  single?: boolean
  /** PRNG seed (default: 'momoshtrem') */
  seed?: string
}

export interface FixtureFile {
  /** path as the engine reports it: 'name/sub/file' for multi-file torrents, 'name' for single-file */
  path: string
  /** path relative to the torrent folder ('' prefix-free) */
  relPath: string
  absPath: string
  length: number
}

export interface Fixture {
  name: string
  single: boolean
  /** what a client seeds: the folder (multi-file) or the file (single-file) */
  root: string
  /** the folder containing `root` (aria2/transmission --dir) */
  baseDir: string
  files: FixtureFile[]
  totalLength: number
  /** the source bytes of `path` at [offset, offset+length) clamped to the file end */
  expected (path: string, offset: number, length: number): Buffer
  file (path: string): FixtureFile
}

const CHUNK = 4 * MiB

/** Deterministic bytes for (seed, relPath) at [offset, offset+length). */
export function fixtureBytes (seed: string, relPath: string, fileLength: number, offset: number, length: number): Buffer {
  const key = createHash('sha256').update(seed).update('\0').update(relPath).digest()
  // CTR counter starts at offset/16; discard the bytes before `offset` in that first block
  const block = Math.floor(offset / 16)
  const iv = Buffer.alloc(16)
  iv.writeUInt32BE(Math.floor(block / 2 ** 32), 8)
  iv.writeUInt32BE(block % 2 ** 32, 12)
  const skip = offset - block * 16
  const cipher = createCipheriv('aes-256-ctr', key, iv)
  const out = cipher.update(Buffer.alloc(length + skip)).subarray(skip)
  // NUL bytes at fixed places
  for (const pos of [0, Math.floor(fileLength / 2)]) {
    if (pos >= offset && pos < offset + length) out[pos - offset] = 0
  }
  return out
}

/** Writes the fixture into `baseDir` (created if needed). */
export function writeFixture (baseDir: string, spec: FixtureSpec): Fixture {
  const seed = spec.seed ?? 'momoshtrem'
  const single = spec.single === true
  if (single && (spec.files.length !== 1 || spec.files[0]!.path !== spec.name)) {
    throw new Error('a single-file fixture has exactly one file whose path is the name')
  }
  const root = join(baseDir, spec.name)
  const files: FixtureFile[] = []
  for (const f of spec.files) {
    const absPath = single ? root : join(root, ...f.path.split('/'))
    mkdirSync(dirname(absPath), { recursive: true })
    const fd = openSync(absPath, 'w')
    try {
      for (let off = 0; off < f.length; off += CHUNK) {
        const n = Math.min(CHUNK, f.length - off)
        writeSync(fd, fixtureBytes(seed, f.path, f.length, off, n))
      }
    } finally {
      closeSync(fd)
    }
    files.push({ path: single ? spec.name : `${spec.name}/${f.path}`, relPath: f.path, absPath, length: f.length })
  }
  const byPath = new Map(files.map((f) => [f.path, f]))
  const file = (path: string): FixtureFile => {
    const f = byPath.get(path)
    if (f === undefined) throw new Error(`no fixture file ${path}; have ${[...byPath.keys()].join(', ')}`)
    return f
  }
  return {
    name: spec.name,
    single,
    root,
    baseDir,
    files,
    totalLength: files.reduce((a, f) => a + f.length, 0),
    file,
    expected (path, offset, length) {
      const f = file(path)
      const n = Math.max(0, Math.min(length, f.length - offset))
      const buf = Buffer.alloc(n)
      if (n === 0) return buf
      const fd = openSync(f.absPath, 'r')
      try {
        let got = 0
        while (got < n) {
          const r = readSync(fd, buf, got, n - got, offset + got)
          if (r === 0) throw new Error(`short read of fixture ${path}`)
          got += r
        }
      } finally {
        closeSync(fd)
      }
      return buf
    }
  }
}

/** A temp folder removed in t.after (or by the returned cleanup when t is null). */
export function fixtureDir (t: TestContext | null, prefix = 'momoshtrem-fixture-'): { dir: string, cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true })
  t?.after(cleanup)
  return { dir, cleanup }
}

/**
 * The standard multi-file layout for a piece length P: files straddling piece boundaries, a
 * file smaller than a piece, nested folders, non-ASCII names and ':' / '?' in a name.
 * Concatenated, file boundaries fall inside pieces (never on one), so reads across file
 * boundaries touch pieces shared by two files.
 */
export function multiFileSpec (pieceLength: number, name = 'Multi Fixture ✓'): FixtureSpec {
  const P = pieceLength
  return {
    name,
    files: [
      { path: 'a first.bin', length: 3 * P + 123 },
      { path: 'sub/dir/b.bin', length: 2 * P - 7 },
      { path: 'tiny.txt', length: 100 },
      { path: 'ünïcödé 名前/ファイル.mkv', length: P + 1 },
      { path: 'weird:name?.bin', length: 5000 },
      { path: 'z last.bin', length: 2 * P + P / 2 }
    ]
  }
}

export function singleFileSpec (length: number, name = 'single file.bin', seed?: string): FixtureSpec {
  return { name, single: true, files: [{ path: name, length }], ...(seed !== undefined ? { seed } : {}) }
}

/** A pack of two movies and a text file: an assign without file_path has two candidates (422). */
export function twoMoviesPackSpec (): FixtureSpec {
  return {
    name: 'Two.Movies.Pack',
    files: [
      { path: 'First.Movie.2001.mkv', length: 90 * KiB + 1 },
      { path: 'Second.Movie.2002.mp4', length: 70 * KiB + 5 },
      { path: 'readme.txt', length: 100 }
    ]
  }
}

/** Small deterministic PRNG (mulberry32) for choosing random offsets in tests. */
export function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
