// What a one-shot read asks the scheduler for: its missing pieces, urgent by deadline, or at
// read-ahead priority when the caller expects nobody to wait for the bytes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileRange, type ReadHost } from '../../src/torrent/reads.ts'
import { PRIORITY, type WantSource } from '../../src/torrent/scheduler.ts'
import type { TorrentFileInfo } from '../../src/torrent/types.ts'

const PL = 1024
const file: TorrentFileInfo = { index: 0, path: 'x/a.bin', length: 10 * PL, offset: 0 }

function fakeHost (): { host: ReadHost, sources: Set<WantSource>, deliver: (piece: number) => void } {
  const sources = new Set<WantSource>()
  const waiters = new Map<number, Set<(buf: Buffer) => void>>()
  const host: ReadHost = {
    info: { infoHash: '0'.repeat(40), name: 'x', length: file.length, pieceLength: PL, pieceCount: 10, files: [file] },
    closed: false,
    readTimeoutMs: 5000,
    touch: () => {},
    addSource: (s) => { sources.add(s) },
    removeSource: (s) => { sources.delete(s) },
    pieceSlice: async () => null,
    onPiece: (p, cb) => {
      const set = waiters.get(p) ?? new Set()
      waiters.set(p, set)
      set.add(cb)
      return () => { set.delete(cb) }
    },
    track: () => () => {},
    readaheadCap: () => 4 * PL
  }
  return { host, sources, deliver: (p) => { for (const cb of waiters.get(p) ?? []) cb(Buffer.alloc(PL, p)) } }
}

function wants (sources: Set<WantSource>): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = []
  for (const s of sources) s.collect((piece, prio, rank) => { out.push([piece, prio, rank]) })
  return out
}

test('reads: missing pieces are urgent, ranked by the deadline; delivered pieces stop being wanted', async () => {
  const { host, sources, deliver } = fakeHost()
  const deadline = Date.now() + 60_000
  const read = readFileRange(host, file, 1.5 * PL, PL, { deadline })
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(wants(sources), [[1, PRIORITY.urgent, deadline], [2, PRIORITY.urgent, deadline]])
  deliver(1)
  assert.deepEqual(wants(sources).map(([p]) => p), [2])
  deliver(2)
  const buf = await read
  assert.equal(buf.length, PL)
  assert.equal(buf[0], 1)
  assert.equal(buf[PL - 1], 2)
  assert.equal(sources.size, 0)
})

test('reads: priority readahead wants the pieces behind urgent work, ranked from `rank` by distance', async () => {
  const { host, sources, deliver } = fakeHost()
  const read = readFileRange(host, file, 3 * PL, 2 * PL, { priority: 'readahead', rank: 5000 })
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(wants(sources), [[3, PRIORITY.readahead, 5000], [4, PRIORITY.readahead, 5000 + PL]])
  deliver(3); deliver(4)
  assert.equal((await read).length, 2 * PL, 'it still completes')
})
