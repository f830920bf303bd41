// The probes against real files from ffmpeg's muxers (skipped when ffmpeg is missing).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { open } from 'node:fs/promises'
import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { locatePlaybackRanges, type PlaybackLayout } from '../../src/streaming/container/index.ts'
import { tempDir } from '../helpers/app.ts'
import { assertValidRanges, hasFfmpeg, makeVideo } from '../helpers/media.ts'

const skip = hasFfmpeg() ? false : 'ffmpeg is not installed (apt-get install ffmpeg)'
const opts = { headerBytes: 10 << 20, footerBytes: 5 << 20 }

async function probe (file: string): Promise<{ layout: PlaybackLayout, bytes: Buffer }> {
  const fh = await open(file)
  try {
    const { size } = await fh.stat()
    const layout = await locatePlaybackRanges(size, async (offset, length) => {
      const b = Buffer.alloc(length)
      const { bytesRead } = await fh.read(b, 0, length, offset)
      return b.subarray(0, bytesRead)
    }, opts)
    assertValidRanges(layout.ranges, size)
    const bytes = Buffer.alloc(size)
    await fh.read(bytes, 0, size, 0)
    return { layout, bytes }
  } finally {
    await fh.close()
  }
}

const inRanges = (l: PlaybackLayout, offset: number, length: number): boolean =>
  l.ranges.some((r) => r.offset <= offset && offset + length <= r.offset + r.length)

test('ffmpeg MP4 (moov at the end): the moov range starts with a moov atom', { skip }, async (t) => {
  const file = await makeVideo(tempDir(t), { format: 'mp4', seconds: 5 })
  assert.ok(file !== null)
  const { layout, bytes } = await probe(file)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  const d = layout.details
  assert.equal(d.faststart, false)
  assert.ok(d.moovOffset !== null && d.moovSize !== null && d.mdatOffset !== null)
  assert.equal(bytes.toString('latin1', d.moovOffset + 4, d.moovOffset + 8), 'moov')
  assert.equal(bytes.readUInt32BE(d.moovOffset), d.moovSize)
  assert.equal(bytes.toString('latin1', d.mdatOffset + 4, d.mdatOffset + 8), 'mdat')
  assert.ok(inRanges(layout, d.moovOffset, d.moovSize))
  assert.ok(inRanges(layout, 0, d.mdatOffset + 8), 'ftyp and the mdat header')
  assert.ok(layout.reads <= 2)
})

test('ffmpeg MP4 with +faststart: moov inside the header range, one read', { skip }, async (t) => {
  const file = await makeVideo(tempDir(t), { format: 'mp4', seconds: 5, faststart: true })
  assert.ok(file !== null)
  const { layout, bytes } = await probe(file)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  const d = layout.details
  assert.equal(d.faststart, true)
  assert.ok(d.moovOffset !== null && d.moovSize !== null && d.mdatOffset !== null)
  assert.equal(bytes.toString('latin1', d.moovOffset + 4, d.moovOffset + 8), 'moov')
  assert.ok(d.moovOffset < d.mdatOffset)
  assert.equal(layout.ranges.length, 1)
  assert.ok(inRanges(layout, d.moovOffset, d.moovSize))
  assert.equal(layout.reads, 1)
})

test('ffmpeg MKV: the Cues range starts with the Cues ID 0x1C53BB6B', { skip }, async (t) => {
  const file = await makeVideo(tempDir(t), { format: 'mkv', seconds: 5 })
  assert.ok(file !== null)
  const { layout, bytes } = await probe(file)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  const d = layout.details
  assert.ok(d.cuesOffset !== null && d.cuesSize !== null && d.firstClusterOffset !== null)
  assert.equal(bytes.readUInt32BE(d.cuesOffset), 0x1C53BB6B)
  assert.ok(d.cuesOffset > d.firstClusterOffset, 'ffmpeg writes the Cues after the clusters')
  assert.ok(inRanges(layout, d.cuesOffset, d.cuesSize))
  assert.equal(bytes.readUInt32BE(d.firstClusterOffset), 0x1F43B675)
  assert.ok(inRanges(layout, 0, d.firstClusterOffset), 'EBML header, SeekHead, Info, Tracks')
  for (const name of ['info', 'tracks'] as const) assert.ok(d.elements[name] !== undefined, name)
  assert.equal(bytes.readUInt32BE(d.elements.tracks!.offset), 0x1654AE6B)
  assert.ok(layout.reads <= 2)
})

test('ffmpeg fragmented MP4: moov up front, mfra index at the end found through mfro', { skip }, async (t) => {
  const file = await makeVideo(tempDir(t), { format: 'mp4', seconds: 5, name: 'frag.mp4', extraArgs: ['-movflags', '+frag_keyframe+empty_moov+default_base_moof'] })
  assert.ok(file !== null)
  const { layout, bytes } = await probe(file)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  const d = layout.details
  assert.equal(d.fragmented, true)
  assert.ok(d.moovOffset !== null && d.moovSize !== null)
  assert.equal(bytes.toString('latin1', d.moovOffset + 4, d.moovOffset + 8), 'moov')
  const mfra = d.atoms.find((a) => a.type === 'mfra')
  assert.ok(mfra !== undefined, 'ffmpeg writes mfra for seekable fragmented output')
  assert.equal(bytes.toString('latin1', mfra.offset + 4, mfra.offset + 8), 'mfra')
  assert.equal(mfra.offset + mfra.size, bytes.length)
  assert.ok(inRanges(layout, mfra.offset, mfra.size))
  assert.ok(layout.reads <= 3)
})

test('ffmpeg MKV with -reserve_index_space: Cues before the clusters, one read', { skip }, async (t) => {
  const file = await makeVideo(tempDir(t), { format: 'mkv', seconds: 5, name: 'front.mkv', extraArgs: ['-reserve_index_space', '20000'] })
  assert.ok(file !== null)
  const { layout, bytes } = await probe(file)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  const d = layout.details
  assert.ok(d.cuesOffset !== null && d.firstClusterOffset !== null)
  assert.equal(bytes.readUInt32BE(d.cuesOffset), 0x1C53BB6B)
  assert.ok(d.cuesOffset < d.firstClusterOffset)
  assert.deepEqual(layout.ranges.map((r) => [r.offset, r.length]), [[0, d.firstClusterOffset]])
  assert.equal(layout.reads, 1)
})

/** Serves `file` over HTTP with Range support and records the start offset of every request. */
async function rangeServer (t: { after: (fn: () => void) => void }, file: string): Promise<{ url: string, starts: number[] }> {
  const size = statSync(file).size
  const starts: number[] = []
  const srv = createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    const start = m === null ? 0 : Number(m[1])
    const end = m === null || m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2]))
    starts.push(start)
    res.writeHead(m === null ? 200 : 206, {
      'Content-Length': end - start + 1,
      'Accept-Ranges': 'bytes',
      ...(m === null ? {} : { 'Content-Range': `bytes ${start}-${end}/${size}` })
    })
    const body = createReadStream(file, { start, end })
    body.pipe(res)
    res.on('close', () => body.destroy())
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.after(() => { srv.closeAllConnections(); srv.close() })
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/video`, starts }
}

const run = promisify(execFile)

test('ffprobe over HTTP jumps exactly to the located moov, then back to the end of the header range', { skip }, async (t) => {
  const file = await makeVideo(tempDir(t), { format: 'mp4', seconds: 30, size: '640x480' })
  assert.ok(file !== null)
  const { layout } = await probe(file)
  assert.equal(layout.format, 'mp4')
  if (layout.format !== 'mp4') return
  const { url, starts } = await rangeServer(t, file)
  await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', url], { timeout: 60_000 })
  const header = layout.ranges[0]!
  assert.equal(starts[0], 0)
  assert.equal(starts[1], layout.details.moovOffset, `requests: ${starts.join(', ')}`)
  assert.equal(layout.mediaOffset, header.offset + header.length)
  assert.ok(starts.includes(layout.mediaOffset), 'then reads media data from the located start')
})

test('ffmpeg seeking in an MKV over HTTP reads the Cues at exactly the located offset', { skip }, async (t) => {
  const file = await makeVideo(tempDir(t), { format: 'mkv', seconds: 30, size: '640x480' })
  assert.ok(file !== null)
  const { layout } = await probe(file)
  assert.equal(layout.format, 'mkv')
  if (layout.format !== 'mkv') return
  const { url, starts } = await rangeServer(t, file)
  await run('ffmpeg', ['-v', 'error', '-ss', '20', '-i', url, '-t', '1', '-f', 'null', '-'], { timeout: 60_000 })
  assert.equal(starts[0], 0)
  assert.equal(starts[1], layout.details.cuesOffset, `requests: ${starts.join(', ')}`)
})
