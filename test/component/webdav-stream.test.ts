// The GET body stream: back-pressure, client disconnects, read errors before and after
// the first byte. Uses node:http directly to control when the client reads or hangs up.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { dav, startDav } from '../helpers/dav.ts'
import { fileBytes, memoryReader, sampleLibrary, type ReaderLog } from '../helpers/vfs-fixtures.ts'
import { NotFoundError, TimeoutError } from '../../src/errors.ts'
import type { OpenFile } from '../../src/vfs/library-vfs.ts'

const FILE = '/dav/Movies/Fight%20Club%20(1999)/Fight%20Club%20(1999).mkv'
const newLog = (): ReaderLog => ({ reads: [], aborted: 0, closed: 0 })

/** Polls `cond` every 10 ms; fails after `ms`. */
async function waitFor (cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Starts a GET and resolves with the response once headers arrive (body not consumed). */
async function open (url: string, headers: Record<string, string> = {}): Promise<{ req: http.ClientRequest, res: http.IncomingMessage }> {
  return await new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => { resolve({ req, res }) })
    req.on('error', reject)
    req.setTimeout(10_000, () => { req.destroy(new Error('client timeout')) })
  })
}

test('a client that stops reading stops the reads (back-pressure)', async (t) => {
  const src = sampleLibrary()
  const size = 64 * 1024 * 1024
  src.moviesList[0]!.assignment!.fileSize = size
  const log = newLog()
  const data = Buffer.alloc(size, 7)
  const { url } = await startDav(t, src, async () => memoryReader(data, { log }))
  const { req, res } = await open(`${url}${FILE}`)
  t.after(() => { req.destroy() })
  assert.equal(res.statusCode, 200)
  res.pause()
  await sleep(400)
  const readBytes = log.reads.reduce((n, r) => n + r.length, 0)
  // only what the socket buffers hold was read, not the whole file
  assert.ok(readBytes < size / 2, `read ${readBytes} bytes while the client read nothing`)
  const before = log.reads.length
  await sleep(200)
  assert.equal(log.reads.length, before, 'no reads while the socket is full')
  req.destroy()
  await waitFor(() => log.closed === 1, 5000, 'reader closed')
})

test('a client hanging up mid-stream aborts the pending read, closes the reader, and no read follows', async (t) => {
  const log = newLog()
  const { url } = await startDav(t, sampleLibrary(), async (a) => memoryReader(fileBytes(a.fileSize), { log, delayMs: 60 }))
  const { req, res } = await open(`${url}${FILE}`, { Range: 'bytes=1000-' })
  assert.equal(res.statusCode, 206)
  await new Promise<void>((resolve) => res.once('data', () => { resolve() }))
  // the next chunk's read is now in flight (each read takes 60 ms)
  await waitFor(() => log.reads.length >= 2, 2000, 'second read')
  req.destroy()
  await waitFor(() => log.closed === 1, 5000, 'reader closed')
  assert.ok(log.aborted >= 1, 'the in-flight read saw the abort')
  const reads = log.reads.length
  await sleep(300)
  assert.equal(log.reads.length, reads, 'no reads after the disconnect')
  assert.ok(reads < 12, `stopped early (${reads} reads)`)
})

test('a client hanging up before the first byte aborts the first read', async (t) => {
  const log = newLog()
  const { url } = await startDav(t, sampleLibrary(), async (a) => memoryReader(fileBytes(a.fileSize), { log, delayMs: 2000 }))
  const req = http.get(`${url}${FILE}`, { agent: false })
  req.on('error', () => {})
  await waitFor(() => log.reads.length === 1, 2000, 'first read')
  req.destroy()
  await waitFor(() => log.closed === 1 && log.aborted === 1, 1500, 'abort and close')
})

test('a read error mid-stream ends the socket (no hung connection) and closes the reader', async (t) => {
  const log = newLog()
  const err = new TimeoutError('read_timeout', 'piece did not arrive')
  const { url } = await startDav(t, sampleLibrary(), async (a) => memoryReader(fileBytes(a.fileSize), { log, failAt: 600_000, error: err }))
  const { res } = await open(`${url}${FILE}`)
  assert.equal(res.statusCode, 200)
  let received = 0
  const outcome = await new Promise<string>((resolve) => {
    res.on('data', (c: Buffer) => { received += c.length })
    res.on('end', () => { resolve('end') })
    res.on('aborted', () => { resolve('aborted') })
    res.on('error', () => { resolve('error') })
    res.on('close', () => { resolve('close') })
  })
  assert.notEqual(outcome, 'end', 'the body must not look complete')
  assert.ok(received < 3_000_001 && received >= 256 * 1024, `received ${received}`)
  await waitFor(() => log.closed === 1, 2000, 'reader closed')
})

test('an error before the first byte answers with its status', async (t) => {
  const cases: Array<[OpenFile, number]> = [
    [async (a) => memoryReader(fileBytes(a.fileSize), { failAt: 0, error: new TimeoutError('read_timeout', 'slow swarm') }), 504],
    [async () => { throw new NotFoundError('torrent gone') }, 404],
    [async () => { throw new Error('boom') }, 500]
  ]
  for (const [openFile, status] of cases) {
    const { url } = await startDav(t, sampleLibrary(), openFile)
    const r = await dav(`${url}${FILE}`, 'GET', { Range: 'bytes=0-' })
    assert.equal(r.status, status)
    assert.ok(!r.text.includes('boom'), '5xx detail stays in the log')
  }
})

test('listing the whole tree never opens a file', async (t) => {
  let opened = 0
  const { url } = await startDav(t, sampleLibrary(), async () => { opened++; throw new Error('listing opened a file') })
  const queue = ['/dav/']
  while (queue.length > 0) {
    const href = queue.shift()!
    const r = await dav(`${url}${href}`, 'PROPFIND', { Depth: '1' })
    assert.equal(r.status, 207)
    for (const m of r.text.matchAll(/<D:href>([^<]*\/)<\/D:href>/g)) if (m[1] !== href) queue.push(m[1]!)
    assert.equal((await dav(`${url}${href}`, 'HEAD')).status, 200)
  }
  assert.equal(opened, 0)
})
