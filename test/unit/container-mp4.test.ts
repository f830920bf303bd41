import { test } from 'node:test'
import assert from 'node:assert/strict'
import { locatePlaybackRanges, type PlaybackLayout } from '../../src/streaming/container/index.ts'
import { TimeoutError } from '../../src/errors.ts'
import { atom, buildMp4, layOut, materialise, recordingReader, locateRecorded, type SparseFile } from '../helpers/media.ts'

const opts = { headerBytes: 10 << 20, footerBytes: 5 << 20 }

async function locate (file: SparseFile | Buffer, o = opts): ReturnType<typeof locateRecorded> {
  return await locateRecorded(file, o)
}

const spans = (l: PlaybackLayout): Array<[number, number, string]> => l.ranges.map((r) => [r.offset, r.length, r.reason])

test('moov at the end: ftyp + mdat header, then the exact moov; two reads', async () => {
  const f = buildMp4({ mdatBytes: 200000 })
  const { layout, calls } = await locate(f)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.deepEqual(spans(layout), [[0, f.offsets.mdat + 8, 'header'], [f.offsets.moov, f.offsets.moovSize, 'moov']])
  assert.equal(layout.details.majorBrand, 'isom')
  assert.equal(layout.details.faststart, false)
  assert.equal(layout.details.mdatOffset, f.offsets.mdat)
  assert.equal(layout.details.mdatSize, f.offsets.mdatSize)
  assert.equal(layout.mediaOffset, f.offsets.mdat + 8)
  assert.deepEqual(calls, [{ offset: 0, length: 65536 }, { offset: f.offsets.moov, length: 16 }])
  // the decoy 'moov' header inside the media data was jumped over
  assert.deepEqual(layout.details.atoms.map((a) => a.type), ['ftyp', 'mdat', 'moov'])
})

test('faststart: one read, header covers moov and the mdat header', async () => {
  const f = buildMp4({ faststart: true, mdatBytes: 200000 })
  const { layout, calls } = await locate(f)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.equal(calls.length, 1)
  assert.equal(layout.details.faststart, true)
  assert.deepEqual(spans(layout), [[0, f.offsets.mdat + 8, 'header']])
  assert.deepEqual(layout.ranges[0]!.reasons, ['header', 'moov'])
})

test('faststart with a moov larger than the first read', async () => {
  const f = buildMp4({ faststart: true, moovBytes: 300000 })
  const { layout, calls } = await locate(f)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.equal(layout.details.moovSize, f.offsets.moovSize)
  assert.deepEqual(spans(layout), [[0, f.offsets.mdat + 8, 'header']])
  assert.deepEqual(calls[1], { offset: f.offsets.mdat, length: 16 })
})

test('64-bit largesize mdat of 6 GiB, moov past 2^32', async () => {
  const f = buildMp4({ largesize: true, virtualMdat: true, mdatBytes: 6 * 2 ** 30 })
  assert.ok(f.offsets.moov > 2 ** 32)
  const { layout } = await locate(f)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.equal(layout.details.moovOffset, f.offsets.moov)
  assert.equal(layout.details.mdatSize, f.offsets.mdatSize)
  assert.equal(layout.mediaOffset, f.offsets.mdat + 16)
  assert.deepEqual(spans(layout), [[0, f.offsets.mdat + 16, 'header'], [f.offsets.moov, f.offsets.moovSize, 'moov']])
  assert.equal(layout.bytesRead, 65536 + 16)
})

test('size==0 mdat runs to EOF', async () => {
  const f = buildMp4({ mdatToEof: true, mdatBytes: 150000 })
  const { layout } = await locate(f)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.equal(layout.details.mdatSize, f.size - f.offsets.mdat)
  assert.equal(layout.details.truncated, false)
  assert.deepEqual(spans(layout), [[0, f.offsets.mdat + 8, 'header']])
})

test('free atom before mdat belongs to the header', async () => {
  const f = buildMp4({ freeBytes: 1000, mdatBytes: 100000 })
  const { layout } = await locate(f)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.deepEqual(layout.details.atoms.map((a) => a.type), ['ftyp', 'free', 'mdat', 'moov'])
  assert.equal(layout.ranges[0]!.length, f.offsets.mdat + 8)
})

test('download cut before the moov: mp4, truncated, head and tail estimates', async () => {
  const full = buildMp4({ mdatBytes: 200000 })
  const cut = materialise(full).subarray(0, 150000)
  const { layout } = await locate(cut, { headerBytes: 20000, footerBytes: 10000 })
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.equal(layout.details.truncated, true)
  assert.equal(layout.details.moovOffset, null)
  assert.deepEqual(spans(layout), [[0, 20000, 'header'], [140000, 10000, 'tail']])
})

test('fragmented MP4: stops after the first moof and finds mfra through mfro', async () => {
  const moofs = Array.from({ length: 50 }, () => [atom('moof', Buffer.alloc(100)), atom('mdat', Buffer.alloc(5000))]).flat()
  const mfro = atom('mfro', Buffer.alloc(8))
  const mfra = atom('mfra', [atom('tfra', Buffer.alloc(200)), mfro])
  mfra.writeUInt32BE(mfra.length, mfra.length - 4)
  const chunks = [atom('ftyp', [Buffer.from('iso5'), Buffer.alloc(4), Buffer.from('iso5')]), atom('moov', Buffer.alloc(500)), ...moofs, mfra]
  const f = layOut(chunks)
  const { layout, calls } = await locate(f)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.equal(layout.details.fragmented, true)
  assert.equal(layout.details.faststart, true)
  assert.equal(layout.mediaOffset, f.offsets[2])
  const mfraOffset = f.size - mfra.length
  assert.deepEqual(spans(layout), [[0, f.offsets[2]! + 8, 'header'], [mfraOffset, mfra.length, 'index']])
  assert.ok(calls.length <= 3)
})

test('garbage, empty and tiny inputs: unknown with head and tail estimates', async () => {
  const o = { headerBytes: 1000, footerBytes: 500 }
  const empty = await locate(Buffer.alloc(0), o)
  assert.equal(empty.layout.format, 'unknown')
  assert.deepEqual(empty.layout.ranges, [])
  const tiny = await locate(Buffer.from('abc'), o)
  assert.equal(tiny.layout.format, 'unknown')
  assert.deepEqual(spans(tiny.layout), [[0, 3, 'head']])
  const noise = Buffer.alloc(100000)
  let seed = 7
  for (let i = 0; i < noise.length; i++) { seed = (seed * 1103515245 + 12345) % 2 ** 31; noise[i] = seed & 0xFF }
  const g = await locate(noise, o)
  assert.equal(g.layout.format, 'unknown')
  assert.equal(g.layout.mediaOffset, null)
  assert.deepEqual(spans(g.layout), [[0, 1000, 'head'], [99500, 500, 'tail']])
})

test('garbage after ftyp (size < 8) ends the walk without throwing', async () => {
  const bad = Buffer.alloc(16)
  bad.writeUInt32BE(3, 0)
  bad.write('junk', 4, 'latin1')
  const f = Buffer.concat([atom('ftyp', Buffer.from('isom\0\0\0\0')), bad, Buffer.alloc(1000)])
  const { layout } = await locate(f, { headerBytes: 100, footerBytes: 50 })
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.equal(layout.details.moovOffset, null)
  assert.deepEqual(spans(layout), [[0, 100, 'header'], [f.length - 50, 50, 'tail']])
})

test('a garbage-sized atom before the media does not make the whole file "header"', async () => {
  const f = buildMp4({ freeBytes: 100, mdatBytes: 200000 })
  const bytes = materialise(f)
  bytes.writeUInt32BE(0xFFFFFFF0, 32) // the free atom right after the 32-byte ftyp
  assert.equal(bytes.toString('latin1', 36, 40), 'free')
  const { layout } = await locate(bytes, { headerBytes: 5000, footerBytes: 3000 })
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  assert.equal(layout.details.truncated, true)
  assert.deepEqual(spans(layout), [[0, 5000, 'header'], [bytes.length - 3000, 3000, 'tail']])
})

test('every truncation and random corruption: never throws, ranges always valid', async () => {
  const full = materialise(buildMp4({ mdatBytes: 300, moovBytes: 50 }))
  for (let cut = 0; cut <= full.length; cut += 3) await locate(full.subarray(0, cut), { headerBytes: 200, footerBytes: 100 })
  let seed = 99
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
  for (let i = 0; i < 400; i++) {
    const b = Buffer.from(full)
    for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) b[Math.floor(rnd() * 48)] = Math.floor(rnd() * 256)
    await locate(b, { headerBytes: 200, footerBytes: 100 })
  }
})

test('a long chain of tiny atoms beyond the first read is capped by the read budget', async () => {
  const chunks = [atom('ftyp', Buffer.from('isom\0\0\0\0')), atom('free', Buffer.alloc(70000)), ...Array.from({ length: 1000 }, () => atom('skip'))]
  const f = layOut(chunks)
  const { layout, calls } = await locate(f, { headerBytes: 100, footerBytes: 50, maxReads: 10 } as typeof opts)
  assert.equal(layout.format, 'mp4')
  assert.ok(calls.length <= 10)
})

test('errors of the read function reach the caller unchanged', async () => {
  const err = new TimeoutError('read_timeout', 'piece 3 did not arrive')
  await assert.rejects(locatePlaybackRanges(1000, async () => { throw err }, opts), (e) => e === err)
  const f = buildMp4({ mdatBytes: 100000 })
  const rr = recordingReader(f)
  const failLater = async (o: number, l: number): Promise<Buffer> => { if (o > 0) throw err; return await rr.read(o, l) }
  await assert.rejects(locatePlaybackRanges(f.size, failLater, opts), (e) => e === err)
})
