import { test } from 'node:test'
import assert from 'node:assert/strict'
import Wire from 'bittorrent-protocol'
import { installWireInput } from '../../src/torrent/wire-input.ts'

const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
const message = (id: number, body: Buffer): Buffer => Buffer.concat([u32(body.length + 1), Buffer.from([id]), body])
const piece = (index: number, offset: number, fill: number): Buffer =>
  message(7, Buffer.concat([u32(index), u32(offset), Buffer.alloc(16 * 1024, fill)]))

test('wire input: messages cut anywhere across socket chunks arrive whole; a bitfield kept by the wire is not overwritten by later blocks', async () => {
  const wire = new Wire()
  installWireInput(wire)
  const blocks: Array<[number, number, number, number]> = []
  // a block is copied into its piece while the event runs (Scheduler.onBlock): so is this check
  wire.on('piece', (index: number, offset: number, data: Uint8Array) => {
    blocks.push([index, offset, data.length, data.every((x) => x === data[0]) ? data[0]! : -1])
  })
  const handshake = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(8), Buffer.alloc(20, 1), Buffer.alloc(20, 2)])
  const bits = Buffer.from([0b10100000, 0xff])
  const stream = Buffer.concat([
    handshake,
    message(5, bits),
    piece(0, 0, 1), piece(0, 16384, 2), piece(1, 0, 3), piece(2, 0, 4), piece(2, 16384, 5)
  ])
  // cut into chunks that split length prefixes, ids and blocks, the bitfield included
  const cuts = [5, 70, 73, 3000, 16400, 16401, 20000, 40000, 40003, 50000, 65536, 70000, stream.length]
  let at = 0
  for (const c of cuts) {
    wire.write(stream.subarray(at, c))
    await new Promise((resolve) => setImmediate(resolve))
    at = c
  }
  assert.deepEqual(blocks, [[0, 0, 16384, 1], [0, 16384, 16384, 2], [1, 0, 16384, 3], [2, 0, 16384, 4], [2, 16384, 16384, 5]])
  for (const [i, has] of [[0, true], [1, false], [2, true], [3, false], [8, true], [15, true]] as const) {
    assert.equal(wire.peerPieces.get(i), has, `piece ${i} in the bitfield`)
  }
  wire.destroy()
})
