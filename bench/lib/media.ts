// The bench's media: a real MKV and an MP4 with `moov` at the end (ffmpeg), or synthetic files
// of the same layout when ffmpeg is missing, and what a player must read from each (header,
// index, packets) so the physical limit of a first frame or a seek can be computed exactly.
import { execFile } from 'node:child_process'
import { closeSync, openSync, readSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildMkv, buildMp4, hasFfmpeg, materialise } from '../../test/helpers/media.ts'

const run = promisify(execFile)

export interface Range { start: number, end: number } // [start, end)

export interface Packet { pts: number, pos: number, size: number, key: boolean, video: boolean }

export interface BenchMedia {
  kind: 'mkv' | 'mp4'
  /** file name inside the torrent folder */
  name: string
  absPath: string
  size: number
  seconds: number
  /** average bytes per second over the whole file */
  bytesPerSecond: number
  /** made by ffmpeg (true) or a synthetic layout (false: no decodable media, replayed reads) */
  real: boolean
  /** bytes before the first media data (EBML/SeekHead/Info/Tracks, or ftyp + mdat header) */
  head: Range
  /** the index a player needs before playing: Cues (MKV) or moov (MP4) */
  index: Range
  /** first byte of media data (first Cluster, or mdat payload) */
  mediaOffset: number
  /** demuxed packets in file order (real files only) */
  packets: Packet[]
}

export interface MediaOptions { seconds: number, videoKbps: number, size: string }

/** Encodes the MKV (CBR H.264 + AAC, a keyframe every 2 s) and remuxes it to an MP4 with moov last. */
export async function makeBenchMedia (dir: string, o: MediaOptions): Promise<BenchMedia[]> {
  if (!hasFfmpeg()) return syntheticMedia(dir, o)
  const mkv = join(dir, 'Bench.Movie.2001.mkv')
  const mp4 = join(dir, 'Bench.Movie.2002.mp4')
  // testsrc compresses to almost nothing: nal-hrd=cbr pads with filler so the file really has
  // the chosen bitrate; -g 50 gives seeks a 2 s keyframe grid like a typical encode
  const k = `${o.videoKbps}k`
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=duration=${o.seconds}:size=${o.size}:rate=25`,
    '-f', 'lavfi', '-i', `sine=duration=${o.seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '50',
    '-b:v', k, '-minrate', k, '-maxrate', k, '-bufsize', k, '-x264-params', 'nal-hrd=cbr',
    '-c:a', 'aac', '-b:a', '128k', '-shortest', mkv], { timeout: 180_000 })
  // no +faststart: the MP4 keeps moov after mdat, the layout that forces a tail read first
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', mkv, '-map', '0', '-c', 'copy', mp4], { timeout: 60_000 })
  return [await describeReal(mkv, 'mkv'), await describeReal(mp4, 'mp4')]
}

async function describeReal (absPath: string, kind: 'mkv' | 'mp4'): Promise<BenchMedia> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:packet=codec_type,pts_time,pos,size,flags',
    '-of', 'json', absPath], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 })
  const j = JSON.parse(stdout) as { format: { duration: string }, packets: Array<{ codec_type: string, pts_time?: string, pos?: string, size: string, flags: string }> }
  const packets: Packet[] = j.packets
    .filter((p) => p.pos !== undefined && p.pts_time !== undefined)
    .map((p) => ({ pts: Number(p.pts_time), pos: Number(p.pos), size: Number(p.size), key: p.flags.includes('K'), video: p.codec_type === 'video' }))
    .sort((a, b) => a.pos - b.pos)
  const size = statSync(absPath).size
  const seconds = Number(j.format.duration)
  return { kind, name: absPath.split('/').pop()!, absPath, size, seconds, bytesPerSecond: size / seconds, real: true, ...layoutOf(absPath, kind, size), packets }
}

/** Without ffmpeg: same layouts from test/helpers/media.ts, sized like the real files. */
function syntheticMedia (dir: string, o: MediaOptions): BenchMedia[] {
  const bytesPerSecond = Math.round((o.videoKbps + 128) * 1000 / 8)
  const total = bytesPerSecond * o.seconds
  const clusterBytes = bytesPerSecond * 2
  const mkv = materialise(buildMkv({ clusters: Math.ceil(total / clusterBytes), clusterBytes }))
  const mp4 = materialise(buildMp4({ mdatBytes: total, moovBytes: 200_000 }))
  const out: BenchMedia[] = []
  for (const [kind, name, bytes] of [['mkv', 'Bench.Movie.2001.mkv', mkv], ['mp4', 'Bench.Movie.2002.mp4', mp4]] as const) {
    const absPath = join(dir, name)
    writeFileSync(absPath, bytes)
    out.push({ kind, name, absPath, size: bytes.length, seconds: o.seconds, bytesPerSecond: bytes.length / o.seconds, real: false, ...layoutOf(absPath, kind, bytes.length), packets: [] })
  }
  return out
}

// ---------------------------------------------------------------- container layout
// An independent top-level walk (not src/streaming's probes: the yardstick must not share code
// with what it measures).

function readAt (fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len)
  const n = readSync(fd, b, 0, len, pos)
  return b.subarray(0, n)
}

function layoutOf (absPath: string, kind: 'mkv' | 'mp4', size: number): { head: Range, index: Range, mediaOffset: number } {
  const fd = openSync(absPath, 'r')
  try { return kind === 'mp4' ? mp4Layout(fd, size) : mkvLayout(fd, size) } finally { closeSync(fd) }
}

function mp4Layout (fd: number, size: number): { head: Range, index: Range, mediaOffset: number } {
  let pos = 0
  let moov: Range | null = null
  let mediaOffset = -1
  while (pos + 8 <= size) {
    const h = readAt(fd, pos, 16)
    let len = h.readUInt32BE(0)
    const type = h.toString('latin1', 4, 8)
    let hdr = 8
    if (len === 1) { len = Number(h.readBigUInt64BE(8)); hdr = 16 } else if (len === 0) len = size - pos
    if (type === 'moov') moov = { start: pos, end: pos + len }
    if (type === 'mdat' && mediaOffset < 0) mediaOffset = pos + hdr
    if (len < 8) break
    pos += len
  }
  if (moov === null || mediaOffset < 0) throw new Error('MP4 without moov or mdat')
  return { head: { start: 0, end: mediaOffset }, index: moov, mediaOffset }
}

/** EBML variable-length integer at b[i]: value (marker bit cleared unless `keepMarker`) and width. */
function vint (b: Buffer, i: number, keepMarker: boolean): { value: number, width: number } {
  const first = b[i]!
  let width = 1
  while (width <= 8 && (first & (0x80 >> (width - 1))) === 0) width++
  let value = keepMarker ? first : first & ((0x80 >> (width - 1)) - 1)
  for (let k = 1; k < width; k++) value = value * 256 + b[i + k]!
  return { value, width }
}

function mkvLayout (fd: number, size: number): { head: Range, index: Range, mediaOffset: number } {
  const CLUSTER = 0x1F43B675
  const CUES = 0x1C53BB6B
  const SEGMENT = 0x18538067
  let pos = 0
  let cues: Range | null = null
  let firstCluster = -1
  while (pos < size) {
    const h = readAt(fd, pos, 16)
    if (h.length < 2) break
    const id = vint(h, 0, true)
    const len = vint(h, id.width, false)
    const hdr = id.width + len.width
    if (id.value === SEGMENT) { pos += hdr; continue } // walk into the Segment's children
    if (id.value === CLUSTER && firstCluster < 0) firstCluster = pos
    if (id.value === CUES) cues = { start: pos, end: pos + hdr + len.value }
    pos += hdr + len.value
  }
  if (cues === null || firstCluster < 0) throw new Error('MKV without Cues or Cluster')
  return { head: { start: 0, end: firstCluster }, index: cues, mediaOffset: firstCluster }
}

// ---------------------------------------------------------------- what a player needs

/** Byte ranges of the packets a player reads to present [from, to) seconds: from the last video keyframe at or before `from`. */
export function mediaRanges (m: BenchMedia, from: number, to: number): Range {
  if (!m.real) {
    const start = m.mediaOffset + Math.floor(from * m.bytesPerSecond)
    return { start, end: Math.min(m.size, start + Math.ceil((to - from) * m.bytesPerSecond)) }
  }
  let key = 0
  for (const p of m.packets) if (p.video && p.key && p.pts <= from && p.pts > key) key = p.pts
  let start = Infinity
  let end = 0
  for (const p of m.packets) {
    if (p.pts < key || p.pts >= to) continue
    start = Math.min(start, p.pos)
    end = Math.max(end, p.pos + p.size)
  }
  return { start, end }
}

/** Bytes of whole pieces covering the ranges (a BitTorrent client can only verify whole pieces). */
export function pieceBytes (ranges: Range[], fileOffset: number, pieceLength: number): number {
  const pieces = new Set<number>()
  for (const r of ranges) {
    if (r.end <= r.start) continue
    for (let p = Math.floor((fileOffset + r.start) / pieceLength); p <= Math.floor((fileOffset + r.end - 1) / pieceLength); p++) pieces.add(p)
  }
  return pieces.size * pieceLength
}

export function rangeBytes (ranges: Range[]): number {
  return ranges.reduce((s, r) => s + Math.max(0, r.end - r.start), 0)
}

/** Sorted, merged ranges (what a whole session needs, each byte once). */
export function union (ranges: Range[]): Range[] {
  const out: Range[] = []
  for (const r of [...ranges].filter((x) => x.end > x.start).sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1]
    if (last !== undefined && r.start <= last.end) last.end = Math.max(last.end, r.end)
    else out.push({ ...r })
  }
  return out
}
