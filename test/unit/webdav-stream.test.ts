// rangeStream: the body of a GET, read chunk by chunk. With a reader that can cut reads at
// its own boundaries (readSome: torrent pieces), each chunk ends at one; the bytes are the
// same either way.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CHUNK_SIZE, rangeStream } from '../../src/webdav/stream.ts'
import { memoryReader } from '../helpers/vfs-fixtures.ts'
import type { RandomAccessReader } from '../../src/vfs/types.ts'

const data = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => (i * 7 + 3) % 251))

async function body (reader: RandomAccessReader, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of rangeStream({ reader, start, end, controller: new AbortController() })) parts.push(c as Buffer)
  return Buffer.concat(parts)
}

test('rangeStream: chunks end at the reader\'s boundaries when it has readSome; same bytes', async () => {
  const UNIT = 100_000 // like a piece: readSome never crosses a multiple of it
  const calls: Array<[number, number]> = []
  const base = memoryReader(data)
  const reader: RandomAccessReader = {
    ...base,
    async readSome (offset, max) {
      const boundary = Math.floor((offset + max) / UNIT) * UNIT
      const end = boundary > offset ? boundary : offset + max
      calls.push([offset, end - offset])
      return await base.read(offset, end - offset)
    }
  }
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

test('rangeStream: a reader without readSome gets whole chunks', async () => {
  const log = { reads: [] as Array<{ offset: number, length: number }>, aborted: 0, closed: 0 }
  const got = await body(memoryReader(data, { log }), 1000, 600_000)
  assert.ok(got.equals(data.subarray(1000, 600_001)))
  assert.deepEqual(log.reads.slice(0, 2).map((r) => r.length), [CHUNK_SIZE, CHUNK_SIZE])
})
