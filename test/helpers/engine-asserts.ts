// Assertions shared by the engine conformance tests.
import assert from 'node:assert/strict'
import { isDomainError } from '../../src/errors.ts'
import type { Torrent, TorrentInfo, TorrentFileInfo, TorrentStats, FileReader, ReadOptions } from '../../src/torrent/types.ts'
import { waitFor } from './wait.ts'
import type { Fixture } from './fixtures.ts'

/** Awaits `p`, expects a DomainError with `code`, settled within `maxMs`; returns the elapsed ms. */
export async function expectDomainError (p: Promise<unknown>, code: string, maxMs: number, what: string): Promise<number> {
  const t0 = performance.now()
  let settled = false
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { if (!settled) reject(new Error(`${what}: still pending after ${maxMs} ms (expected DomainError '${code}')`)) }, maxMs + 2000)
  })
  try {
    const v = await Promise.race([p, guard])
    const got = Buffer.isBuffer(v) ? `a Buffer of ${v.length} bytes` : JSON.stringify(v)
    assert.fail(`${what}: resolved with ${got} (expected DomainError '${code}')`)
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err
    const ms = performance.now() - t0
    assert.ok(isDomainError(err), `${what}: rejected with ${String((err as Error)?.stack ?? err)} (expected DomainError '${code}')`)
    assert.equal(err.code, code, `${what}: error code ${err.code} (${err.message}), expected ${code}`)
    assert.ok(ms <= maxMs, `${what}: rejected with '${code}' after ${Math.round(ms)} ms, expected within ${maxMs} ms`)
    return ms
  } finally {
    settled = true
    clearTimeout(timer)
  }
}

export function fileByPath (info: TorrentInfo, path: string): TorrentFileInfo {
  const f = info.files.find((x) => x.path === path)
  assert.ok(f !== undefined, `torrent has no file ${JSON.stringify(path)}; files: ${JSON.stringify(info.files.map((x) => x.path))}`)
  return f
}

/** Checks info against the fixture and the seeder's view of the same torrent. */
export function assertInfoMatches (info: TorrentInfo, expect: { infoHash: string, name: string, pieceLength: number, pieceCount: number, length: number, files: Array<{ path: string, length: number, offset: number }> }): void {
  assert.equal(info.infoHash, expect.infoHash)
  assert.equal(info.name, expect.name)
  assert.equal(info.pieceLength, expect.pieceLength)
  assert.equal(info.pieceCount, expect.pieceCount)
  assert.equal(info.length, expect.length)
  assert.equal(info.files.length, expect.files.length, 'file count')
  info.files.forEach((f, i) => assert.equal(f.index, i, `files[${i}].index`))
  const got = info.files.map((f) => ({ path: f.path, length: f.length, offset: f.offset })).sort((a, b) => a.offset - b.offset || a.path.localeCompare(b.path))
  const want = expect.files.map((f) => ({ path: f.path, length: f.length, offset: f.offset })).sort((a, b) => a.offset - b.offset || a.path.localeCompare(b.path))
  assert.deepEqual(got, want)
}

/** Reads [offset, offset+length) and compares with the fixture (clamped to the file end). */
export async function readAndCompare (
  src: Torrent | FileReader, fx: Fixture, file: TorrentFileInfo, offset: number, length: number, opts: ReadOptions, what = ''
): Promise<Buffer> {
  const buf = 'openReader' in src
    ? await src.read(file.index, offset, length, opts)
    : await src.read(offset, length, opts)
  assert.ok(Buffer.isBuffer(buf), `${what} read(${file.path}, ${offset}, ${length}) returned ${typeof buf}, expected a Buffer`)
  const want = fx.expected(file.path, offset, length)
  assert.equal(buf.length, want.length, `${what} read(${file.path}, ${offset}, ${length}) returned ${buf.length} bytes, expected ${want.length}`)
  if (!buf.equals(want)) {
    let i = 0
    while (i < buf.length && buf[i] === want[i]) i++
    assert.fail(`${what} read(${file.path}, ${offset}, ${length}): bytes differ from the source first at +${i} (file offset ${offset + i})`)
  }
  return buf
}

export function deadlineIn (ms: number): ReadOptions {
  return { deadline: Date.now() + ms }
}

/**
 * Waits until `torrent` has had `n` more engine ticks (500 ms each when the machine keeps up):
 * what did not happen by then had its chances to. Used where a test asserts that nothing
 * moved, instead of a sleep that a loaded machine can outrun.
 */
export async function afterTicks (torrent: { stats (): TorrentStats }, n: number, what = `${n} engine ticks`): Promise<void> {
  const start = torrent.stats().ticks
  await waitFor(() => torrent.stats().ticks >= start + n, n * 500 + 15_000, what)
}
