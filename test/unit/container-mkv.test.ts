import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { PlaybackLayout, PlaybackRange } from '../../src/streaming/container/index.ts'
import { buildMkv, materialise, locateRecorded, MKV, ebmlId, type SparseFile } from '../helpers/media.ts'

const opts = { headerBytes: 10 << 20, footerBytes: 5 << 20 }

function covering (l: PlaybackLayout, offset: number, length: number): PlaybackRange | undefined {
  return l.ranges.find((r) => r.offset <= offset && offset + length <= r.offset + r.length)
}

async function locate (file: SparseFile | Buffer, o = opts): ReturnType<typeof locateRecorded> {
  return await locateRecorded(file, o)
}

test('Cues at the end: header up to the first Cluster, exact Cues range, two reads', async () => {
  const f = buildMkv({ clusters: 6, clusterBytes: 30000 })
  const { layout, calls } = await locate(f)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  const d = layout.details
  assert.equal(d.cuesOffset, f.offsets.cues)
  assert.equal(d.cuesSize, f.offsets.cuesSize)
  assert.equal(d.firstClusterOffset, f.offsets.firstCluster)
  assert.equal(layout.mediaOffset, f.offsets.firstCluster)
  assert.equal(d.segmentDataOffset, f.offsets.segmentData)
  assert.equal(d.elements.info?.offset, f.offsets.info)
  assert.equal(d.elements.tracks?.offset, f.offsets.tracks)
  assert.deepEqual(layout.ranges.map((r) => [r.offset, r.length, r.reason]), [
    [0, f.offsets.firstCluster, 'header'],
    [f.offsets.cues, f.offsets.cuesSize, 'cues']
  ])
  assert.deepEqual(layout.ranges[0]!.reasons, ['header', 'index', 'info', 'tracks'])
  // the first 64 KiB, then one header-sized read at the Cues
  assert.deepEqual(calls, [{ offset: 0, length: 65536 }, { offset: f.offsets.cues, length: 12 }])
  assert.equal(layout.reads, 2)
})

test('the bytes at the Cues offset are the Cues ID (decoy IDs inside clusters are ignored)', async () => {
  const f = buildMkv({ clusters: 2, clusterBytes: 1000 })
  const bytes = materialise(f)
  const { layout } = await locate(f)
  assert.equal(layout.format, 'mkv')
  const cues = layout.ranges.find((r) => r.reasons.includes('cues'))!
  assert.ok(bytes.subarray(cues.offset, cues.offset + 4).equals(ebmlId(MKV.Cues)))
  assert.equal(cues.offset + cues.length, f.size)
})

test('size vints of every width 1-8', async () => {
  for (let width = 1; width <= 8; width++) {
    const f = buildMkv({ sizeLength: width, clusters: 2, clusterBytes: 40 })
    const { layout } = await locate(f)
    assert.equal(layout.format, 'mkv', `width ${width}`)
    if (layout.format !== 'mkv') continue
    assert.equal(layout.details.cuesOffset, f.offsets.cues, `width ${width}`)
    assert.equal(layout.details.cuesSize, f.offsets.cuesSize, `width ${width}`)
    assert.equal(layout.details.firstClusterOffset, f.offsets.firstCluster, `width ${width}`)
  }
})

test('unknown-size Segment (live muxing) still finds the Cues', async () => {
  const f = buildMkv({ unknownSegmentSize: true, clusters: 4, clusterBytes: 30000 })
  const { layout } = await locate(f)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.details.segmentSize, null)
  assert.equal(layout.details.cuesOffset, f.offsets.cues)
  assert.equal(layout.details.truncated, false)
})

test('Cues before the clusters are part of the header; no tail estimate', async () => {
  const f = buildMkv({ cuesAtFront: true })
  const { layout, calls } = await locate(f)
  assert.equal(layout.format, 'mkv')
  assert.equal(calls.length, 1)
  assert.deepEqual(layout.ranges.map((r) => [r.offset, r.length]), [[0, f.offsets.firstCluster]])
  assert.ok(layout.ranges[0]!.reasons.includes('cues'))
})

test('Tags after the Cues: both ranges, fetched with one grouped read', async () => {
  const f = buildMkv({ withTags: true, clusters: 4, clusterBytes: 30000 })
  const { layout, calls } = await locate(f)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.details.elements.tags?.offset, f.offsets.tags)
  assert.ok(covering(layout, f.offsets.tags!, 5))
  assert.ok(covering(layout, f.offsets.cues, f.offsets.cuesSize))
  assert.equal(calls.length, 2)
})

test('Void padding after the SeekHead and a webm DocType', async () => {
  const f = buildMkv({ voidBytes: 4000, docType: 'webm' })
  const { layout } = await locate(f)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.details.docType, 'webm')
  assert.equal(layout.details.cuesOffset, f.offsets.cues)
})

test('a 12 GB file with Cues past 2^32: exact offsets, under 64 KiB + 12 bytes read', async () => {
  const f = buildMkv({ clusters: 4, virtualClusterBytes: 3 * 2 ** 30 })
  assert.ok(f.offsets.cues > 2 ** 33)
  const { layout } = await locate(f)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.details.cuesOffset, f.offsets.cues)
  assert.equal(layout.details.cuesSize, f.offsets.cuesSize)
  assert.equal(layout.reads, 2)
  assert.equal(layout.bytesRead, 65536 + 12)
})

test('no SeekHead: header found by walking, tail estimate stands in for the Cues', async () => {
  const f = buildMkv({ noSeekHead: true, clusters: 3, clusterBytes: 3 << 20 })
  const { layout } = await locate(f)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.details.cuesOffset, null)
  assert.deepEqual(layout.ranges.map((r) => [r.offset, r.length, r.reason]), [
    [0, f.offsets.firstCluster, 'header'],
    [f.size - opts.footerBytes, opts.footerBytes, 'tail']
  ])
})

test('a SeekHead entry pointing at the wrong place is not trusted', async () => {
  const good = buildMkv({ clusters: 3, clusterBytes: 30000 })
  const stale = buildMkv({ clusters: 3, clusterBytes: 30000, cuesSeekPosition: good.offsets.cues - good.offsets.segmentData - 100 })
  const { layout } = await locate(stale)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.details.cuesOffset, null)
  assert.ok(layout.ranges.some((r) => r.reasons.includes('tail')))
})

test('a file cut before its Cues: mkv, truncated, tail estimate', async () => {
  const full = buildMkv({ clusters: 4, clusterBytes: 30000 })
  const bytes = materialise(full).subarray(0, full.offsets.cues - 5000)
  const { layout } = await locate(bytes)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.details.truncated, true)
  assert.equal(layout.details.cuesOffset, null)
  assert.ok(layout.ranges.some((r) => r.reasons.includes('tail')))
})

test('a garbage size on a level-1 element does not make the whole file "header"', async () => {
  const f = buildMkv({ clusters: 4, clusterBytes: 3 << 20, sizeLength: 8 })
  const bytes = materialise(f)
  // Tracks claims 2^40 bytes: far past the Segment's end
  const sizeAt = f.offsets.tracks + 4
  bytes.writeUInt8(0x01, sizeAt)
  bytes.writeUIntBE(2 ** 40, sizeAt + 1, 6)
  bytes.writeUInt8(0, sizeAt + 7)
  const { layout } = await locate(bytes, { headerBytes: 100_000, footerBytes: 50_000 })
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.ranges[0]!.offset, 0)
  assert.equal(layout.ranges[0]!.length, 100_000, 'the head estimate, not the whole file')
  assert.equal(layout.details.cuesOffset, f.offsets.cues, 'the SeekHead still leads to the Cues')
})

test('a file cut inside its Cues keeps the part that is there', async () => {
  const full = buildMkv({ clusters: 3, clusterBytes: 30000, sizeLength: 8 })
  const cut = materialise(full).subarray(0, full.offsets.cues + 20)
  const { layout } = await locate(cut)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  assert.equal(layout.details.truncated, true)
  assert.equal(layout.details.cuesOffset, full.offsets.cues)
  assert.equal(layout.details.cuesSize, 20)
})

test('every truncation and random corruption: never throws, ranges always valid', async () => {
  const full = materialise(buildMkv({ clusters: 3, clusterBytes: 200, withTags: true }))
  for (let cut = 0; cut <= full.length; cut += 7) {
    await locate(full.subarray(0, cut), { headerBytes: 300, footerBytes: 200 })
  }
  let seed = 12345
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
  for (let i = 0; i < 400; i++) {
    const b = Buffer.from(full)
    for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) b[Math.floor(rnd() * 200)] = Math.floor(rnd() * 256)
    const { layout } = await locate(b, { headerBytes: 300, footerBytes: 200 })
    assert.ok(layout.reads <= 32)
  }
})

test('another EBML DocType is not Matroska', async () => {
  const f = materialise(buildMkv({ docType: 'notmkv' }))
  const { layout } = await locate(f)
  assert.equal(layout.format, 'unknown')
})
