// writeRange: the body of a GET, read chunk by chunk and written to a real response on
// loopback. With a reader that can cut reads at its own boundaries (readSome: torrent
// pieces), each chunk ends at one; the bytes are the same either way. Every chunk goes back
// to the reader (recycle) once the socket took it, so views of pooled piece memory return to
// their piece without a garbage collection, also when the client hangs up mid-body.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { CHUNK_SIZE, writeRange, type BodyEnd } from '../../src/webdav/stream.ts'
import { giveBack, PiecePool } from '../../src/torrent/piece-pool.ts'
import { memoryReader } from '../helpers/vfs-fixtures.ts'
import type { RandomAccessReader } from '../../src/vfs/types.ts'

const data = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => (i * 7 + 3) % 251))

/** A server whose one response is writeRange(reader, start, end); `ended` says how it ended. */
async function serve (reader: RandomAccessReader, start: number, end: number): Promise<{ url: string, ended: Promise<BodyEnd | Error>, close: () => Promise<void> }> {
  let settle!: (e: BodyEnd | Error) => void
  const ended = new Promise<BodyEnd | Error>((resolve) => { settle = resolve })
  const server = http.createServer((req, res) => {
    const controller = new AbortController()
    res.once('close', () => { controller.abort() })
    res.setHeader('Content-Length', String(end + 1 - start))
    writeRange(res, { reader, start, end, signal: controller.signal }).then(settle, settle)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  return { url, ended, close: async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)) } }
}

async function body (reader: RandomAccessReader, start: number, end: number): Promise<Buffer> {
  const s = await serve(reader, start, end)
  try {
    const res = await fetch(s.url, { signal: AbortSignal.timeout(10_000) })
    const got = Buffer.from(await res.arrayBuffer())
    assert.equal(await s.ended, 'done')
    return got
  } finally { await s.close() }
}

/** readSome never crosses a multiple of `unit` (like a piece); every call is logged. */
function cuttingReader (base: RandomAccessReader, unit: number, calls: Array<[number, number]>): RandomAccessReader {
  return {
    ...base,
    async readSome (offset, max, signal) {
      const boundary = Math.floor((offset + max) / unit) * unit
      const end = boundary > offset ? boundary : offset + max
      calls.push([offset, end - offset])
      return await base.read(offset, end - offset, signal)
    }
  }
}

test('writeRange: chunks end at the reader\'s boundaries when it has readSome; same bytes', async () => {
  const UNIT = 100_000
  const calls: Array<[number, number]> = []
  const reader = cuttingReader(memoryReader(data), UNIT, calls)
  const start = 12_345
  const end = 654_321
  const got = await body(reader, start, end)
  assert.ok(got.equals(data.subarray(start, end + 1)))
  assert.equal(calls[0]![0], start)
  for (const [offset, length] of calls.slice(0, -1)) {
    assert.ok(length <= CHUNK_SIZE)
    assert.equal((offset + length) % UNIT, 0, `the chunk at ${offset} ends at a boundary`)
  }
})

test('writeRange: a reader without readSome gets whole chunks', async () => {
  const log = { reads: [] as Array<{ offset: number, length: number }>, aborted: 0, closed: 0 }
  const got = await body(memoryReader(data, { log }), 1000, 600_000)
  assert.ok(got.equals(data.subarray(1000, 600_001)))
  assert.deepEqual(log.reads.slice(0, 2).map((r) => r.length), [CHUNK_SIZE, CHUNK_SIZE])
})

/**
 * A reader over pooled pieces that answers with lent views, as the engine does. Every view is
 * kept in `views` (so the collector can never be what returns a piece) and recycled through
 * giveBack, as StreamHandle does.
 */
function pooledReader (pool: PiecePool, unit: number, data: Buffer): { reader: RandomAccessReader, pieces: Buffer[], views: Buffer[], recycled: Set<Buffer> } {
  const pieces: Buffer[] = []
  for (let at = 0; at < data.length; at += unit) {
    const p = pool.take(unit)
    data.copy(p, 0, at, Math.min(data.length, at + unit))
    pieces.push(p)
  }
  const views: Buffer[] = []
  const recycled = new Set<Buffer>()
  const base: RandomAccessReader = {
    size: data.length,
    async read (offset, length) {
      const i = Math.floor(offset / unit)
      const view = pool.lend(pieces[i]!.subarray(offset - i * unit, Math.min(offset + length, data.length) - i * unit))
      views.push(view)
      return view
    },
    recycle (chunk) { recycled.add(chunk); giveBack(chunk) },
    async close () {}
  }
  return { reader: { ...cuttingReader(base, unit, []), recycle: base.recycle }, pieces, views, recycled }
}

test('writeRange: every chunk goes back once written, and its piece is reused without a collection', async () => {
  const UNIT = 64 * 1024
  const pool = new PiecePool(64 * 1024 * 1024)
  const { reader, pieces, views, recycled } = pooledReader(pool, UNIT, data)
  const got = await body(reader, 0, data.length - 1)
  assert.ok(got.equals(data))
  assert.equal(recycled.size, views.length, 'every chunk the reader returned was recycled')
  for (const p of pieces) pool.release(p) // the other owners (the hot set) let go
  const again = new Set(pieces.map(() => pool.take(UNIT)))
  assert.deepEqual(new Set(pieces), again, 'every piece reused, though each view is still referenced')
  pool.close()
})

test('writeRange: a client that hangs up mid-body: the response ends as closed and its chunks go back', async () => {
  const UNIT = 1024 * 1024
  // more than loopback's socket buffers hold, so the hang-up comes mid-body
  const big = Buffer.alloc(64 * UNIT, 7)
  const pool = new PiecePool(128 * UNIT)
  const { reader, pieces, views, recycled } = pooledReader(pool, UNIT, big)
  const s = await serve(reader, 0, big.length - 1)
  try {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(s.url, { agent: false }, (res) => {
        // no more reads: the server's socket buffer fills and writes wait, then the hang-up
        res.pause()
        setTimeout(() => { req.destroy(); resolve() }, 200)
      })
      req.on('error', (err) => { if (!req.destroyed) reject(err) })
    })
    assert.equal(await s.ended, 'closed')
    assert.ok(views.length < big.length / UNIT, `the reads stopped with the client (${views.length} chunks read)`)
    // a write cancelled with the connection reports through its callback a moment later
    for (let i = 0; i < 50 && recycled.size < views.length; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(recycled.size, views.length, 'every chunk read was recycled, the one in flight included')
    for (const p of pieces) pool.release(p)
    const again = new Set(pieces.map(() => pool.take(UNIT)))
    assert.deepEqual(new Set(pieces), again, 'every piece reused')
  } finally { await s.close() }
  pool.close()
})

test('writeRange: a failed read rejects; the response is left to the caller', async () => {
  const err = new Error('disk on fire')
  const s = await serve(memoryReader(data, { failAt: 300_000, error: err }), 0, data.length - 1)
  try {
    const res = await fetch(s.url, { signal: AbortSignal.timeout(10_000) })
    assert.equal(res.status, 200)
    assert.equal(await s.ended, err)
  } finally { await s.close() }
})
