// GET/HEAD on files: validators, every Range form, 416, If-Range, parallel ranges.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { dav, startDav } from '../helpers/dav.ts'
import { fileBytes, memoryReader, sampleLibrary, type ReaderLog } from '../helpers/vfs-fixtures.ts'
import type { OpenFile } from '../../src/vfs/library-vfs.ts'

const FILE = '/dav/Movies/Fight%20Club%20(1999)/Fight%20Club%20(1999).mkv'
const SIZE = 3_000_001
const DATA = fileBytes(SIZE)

function counting (): { openFile: OpenFile, opened: () => number, log: ReaderLog } {
  let opened = 0
  const log: ReaderLog = { reads: [], aborted: 0, closed: 0 }
  const openFile: OpenFile = async (a) => { opened++; return memoryReader(fileBytes(a.fileSize), { log }) }
  return { openFile, opened: () => opened, log }
}

async function getBytes (url: string, headers: Record<string, string> = {}): Promise<{ status: number, headers: Headers, body: Buffer }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) })
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }
}

test('full GET: validators and the exact bytes', async (t) => {
  const c = counting()
  const { url } = await startDav(t, sampleLibrary(), c.openFile)
  const r = await getBytes(`${url}${FILE}`)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('accept-ranges'), 'bytes')
  assert.equal(r.headers.get('content-length'), String(SIZE))
  assert.equal(r.headers.get('content-type'), 'video/x-matroska')
  assert.match(r.headers.get('etag') ?? '', /^"[0-9a-f]{40}"$/)
  assert.equal(r.headers.get('last-modified'), 'Fri, 01 Mar 2024 11:51:00 GMT')
  assert.ok(r.body.equals(DATA))
  // read in order, in chunks of at most 256 KiB, never from 0 again
  const offsets = c.log.reads.map((x) => x.offset)
  assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b))
  assert.ok(c.log.reads.every((x) => x.length <= 256 * 1024))
  assert.equal(c.log.closed, 1)
})

test('HEAD gives the same headers and never opens the file', async (t) => {
  const c = counting()
  const { url } = await startDav(t, sampleLibrary(), c.openFile)
  const h = await dav(`${url}${FILE}`, 'HEAD')
  assert.equal(h.status, 200)
  assert.equal(h.headers.get('content-length'), String(SIZE))
  assert.equal(h.headers.get('content-type'), 'video/x-matroska')
  const hr = await dav(`${url}${FILE}`, 'HEAD', { Range: 'bytes=100-199' })
  assert.equal(hr.status, 206)
  assert.equal(hr.headers.get('content-range'), `bytes 100-199/${SIZE}`)
  assert.equal(hr.headers.get('content-length'), '100')
  assert.equal(c.opened(), 0)
})

test('bytes=a-b, a-, -n give 206 with the real total; the body starts at the offset', async (t) => {
  const c = counting()
  const { url } = await startDav(t, sampleLibrary(), c.openFile)
  const cases: Array<[string, number, number]> = [
    ['bytes=0-0', 0, 0],
    ['bytes=10-19', 10, 19],
    ['bytes=2999990-', 2999990, SIZE - 1],
    ['bytes=-10', SIZE - 10, SIZE - 1],
    ['bytes=-99999999', 0, SIZE - 1],
    ['bytes=2999000-9999999', 2999000, SIZE - 1],
    ['bytes=5-9,20-29', 5, 9],
    ['BYTES = 1 - 2', 1, 2]
  ]
  for (const [range, start, end] of cases) {
    c.log.reads.length = 0
    const r = await getBytes(`${url}${FILE}`, { Range: range })
    assert.equal(r.status, 206, range)
    assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/${SIZE}`, range)
    assert.equal(r.headers.get('content-length'), String(end - start + 1))
    assert.ok(r.body.equals(DATA.subarray(start, end + 1)), range)
    assert.equal(c.log.reads[0]?.offset, start, 'reading starts at the requested offset')
  }
})

test('start at or past the size is 416 with bytes */TOTAL; malformed or non-bytes ranges give a full 200', async (t) => {
  const c = counting()
  const { url } = await startDav(t, sampleLibrary(), c.openFile)
  for (const range of [`bytes=${SIZE}-`, `bytes=${SIZE + 5}-${SIZE + 10}`, 'bytes=-0']) {
    const r = await dav(`${url}${FILE}`, 'GET', { Range: range })
    assert.equal(r.status, 416, range)
    assert.equal(r.headers.get('content-range'), `bytes */${SIZE}`)
  }
  assert.equal(c.opened(), 0)
  for (const range of ['items=0-10', 'bytes=abc', 'bytes=10-5', 'bytes=-', 'bytes=', 'garbage', 'bytes=1e3-2000', 'bytes=99999999999999999999-']) {
    const r = await getBytes(`${url}${FILE}`, { Range: range })
    assert.equal(r.status, 200, range)
    assert.equal(r.body.length, SIZE)
  }
})

test('If-Range: a matching ETag or date keeps the range, anything else gives the whole file', async (t) => {
  const { url } = await startDav(t, sampleLibrary(), counting().openFile)
  const h = await dav(`${url}${FILE}`, 'HEAD')
  const etag = h.headers.get('etag')!
  const lm = h.headers.get('last-modified')!
  const ask = async (ifRange: string): Promise<number> => (await getBytes(`${url}${FILE}`, { Range: 'bytes=0-99', 'If-Range': ifRange })).status
  assert.equal(await ask(etag), 206)
  assert.equal(await ask(lm), 206)
  assert.equal(await ask('"something-else"'), 200)
  assert.equal(await ask(`W/${etag}`), 200)
  assert.equal(await ask('Sat, 02 Mar 2024 11:51:00 GMT'), 200)
  assert.equal(await ask('not a date'), 200)
})

test('many parallel range requests on one file each get their own bytes', async (t) => {
  const { url } = await startDav(t, sampleLibrary(), counting().openFile)
  const ranges = Array.from({ length: 24 }, (_, i) => [i * 120_000, i * 120_000 + 300_000 - 1] as const)
  const results = await Promise.all(ranges.map(async ([a, b]) => await getBytes(`${url}${FILE}`, { Range: `bytes=${a}-${b}` })))
  results.forEach((r, i) => {
    const [a, b] = ranges[i]!
    const end = Math.min(b, SIZE - 1)
    assert.equal(r.status, 206)
    assert.equal(r.headers.get('content-range'), `bytes ${a}-${end}/${SIZE}`)
    assert.ok(r.body.equals(DATA.subarray(a, end + 1)), `range ${i}`)
  })
})

test('a zero-byte file: 200 with no body, any range 416', async (t) => {
  const src = sampleLibrary()
  src.moviesList[0]!.assignment!.fileSize = 0
  const c = counting()
  const { url } = await startDav(t, src, c.openFile)
  const r = await getBytes(`${url}${FILE}`)
  assert.equal(r.status, 200)
  assert.equal(r.body.length, 0)
  assert.equal((await dav(`${url}${FILE}`, 'GET', { Range: 'bytes=0-' })).status, 416)
})

test('without an openFile the file lists but does not stream', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  assert.equal((await dav(`${url}${FILE}`, 'HEAD')).status, 200)
  const r = await dav(`${url}${FILE}`, 'GET')
  assert.equal(r.status, 404)
  assert.match(r.text, /streaming not available/)
})
