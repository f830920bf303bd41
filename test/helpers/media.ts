// Media fixtures for container probes: synthetic MKV and MP4 byte layouts (exact offsets
// known, huge files kept sparse), a read function that records its calls, and makeVideo()
// which asks ffmpeg for a real file when ffmpeg is installed (null otherwise).
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { locatePlaybackRanges, type LocateOptions, type PlaybackLayout } from '../../src/streaming/container/index.ts'

// ---------------------------------------------------------------- sparse files and reads

/** A chunk of file content: real bytes, or `zeros` bytes that are never materialised. */
export type Chunk = Buffer | { zeros: number }

export interface SparseFile {
  size: number
  /** materialised chunks at their absolute offsets */
  parts: Array<{ offset: number, bytes: Buffer }>
}

const chunkLength = (c: Chunk): number => Buffer.isBuffer(c) ? c.length : c.zeros

export function layOut (chunks: Chunk[]): SparseFile & { offsets: number[] } {
  const parts: SparseFile['parts'] = []
  const offsets: number[] = []
  let pos = 0
  for (const c of chunks) {
    offsets.push(pos)
    if (Buffer.isBuffer(c)) parts.push({ offset: pos, bytes: c })
    pos += chunkLength(c)
  }
  return { size: pos, parts, offsets }
}

/** The whole file as one Buffer (only for small files). */
export function materialise (f: SparseFile): Buffer {
  const out = Buffer.alloc(f.size)
  for (const p of f.parts) p.bytes.copy(out, p.offset)
  return out
}

export interface RecordingReader {
  read: (offset: number, length: number) => Promise<Buffer>
  calls: Array<{ offset: number, length: number }>
}

/** A read function over a Buffer or sparse file that records every call (clamps at EOF like a file). */
export function recordingReader (file: Buffer | SparseFile): RecordingReader {
  const calls: RecordingReader['calls'] = []
  const sparse: SparseFile = Buffer.isBuffer(file) ? { size: file.length, parts: [{ offset: 0, bytes: file }] } : file
  return {
    calls,
    read: async (offset, length) => {
      calls.push({ offset, length })
      const end = Math.min(sparse.size, offset + length)
      const out = Buffer.alloc(Math.max(0, end - offset))
      for (const p of sparse.parts) {
        const s = Math.max(offset, p.offset)
        const e = Math.min(end, p.offset + p.bytes.length)
        if (e > s) p.bytes.copy(out, s - offset, s - p.offset, e - p.offset)
      }
      return out
    }
  }
}

/** Layout ranges are sorted, disjoint (merged), non-empty and inside the file. */
export function assertValidRanges (ranges: Array<{ offset: number, length: number, reason: string, reasons: string[] }>, size: number): void {
  let prevEnd = -1
  for (const r of ranges) {
    assert.ok(r.length > 0 && r.offset >= 0 && r.offset + r.length <= size, `range ${JSON.stringify(r)} outside ${size}`)
    assert.ok(r.offset > prevEnd, 'ranges sorted and merged')
    assert.equal(r.reason, r.reasons[0])
    prevEnd = r.offset + r.length
  }
}

/** Locates the playback ranges of `file`, checks them, and returns the reads it took. */
export async function locateRecorded (file: SparseFile | Buffer, opts: LocateOptions): Promise<{ layout: PlaybackLayout, calls: RecordingReader['calls'] }> {
  const rr = recordingReader(file)
  const size = Buffer.isBuffer(file) ? file.length : file.size
  const layout = await locatePlaybackRanges(size, rr.read, opts)
  assertValidRanges(layout.ranges, size)
  return { layout, calls: rr.calls }
}

/** Non-repeating-looking filler (period `n`), so media data is not all zeros. */
function pattern (n: number, seed: number): Buffer {
  const p = Buffer.alloc(n)
  for (let i = 0; i < n; i++) p[i] = (i * 31 + seed) % n
  return p
}

// ---------------------------------------------------------------- EBML writer

/** Element ID bytes (IDs are written with their marker bits, as in the Matroska spec). */
export function ebmlId (id: number): Buffer {
  const len = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1
  const b = Buffer.alloc(len)
  b.writeUIntBE(id, 0, len)
  return b
}

/** A data-size vint; `length` forces a width (1-8), `null` value writes the unknown-size marker. */
export function vint (value: number | null, length?: number): Buffer {
  let len = length ?? 1
  if (length === undefined && value !== null) while (value >= 2 ** (7 * len) - 1) len++
  const b = Buffer.alloc(len, 0xFF)
  b[0] = (0xFF >> len) | (0x80 >> (len - 1)) // marker bit and all value bits set
  if (value === null) return b
  if (value >= 2 ** (7 * len) - 1) throw new RangeError(`${value} does not fit a ${len}-byte vint`)
  let v = value
  for (let i = len - 1; i >= 0; i--) { b[i] = v % 256; v = Math.floor(v / 256) }
  b[0] = b[0]! | (0x80 >> (len - 1))
  return b
}

export function uint (n: number, width?: number): Buffer {
  let len = width ?? 1
  if (width === undefined) while (n >= 2 ** (8 * len)) len++
  const b = Buffer.alloc(len)
  let v = n
  for (let i = len - 1; i >= 0; i--) { b[i] = v % 256; v = Math.floor(v / 256) }
  return b
}

export interface ElOptions { sizeLength?: number, unknownSize?: boolean }

/** One element: ID, size vint, payload. */
export function el (id: number, payload: Buffer | Buffer[], o: ElOptions = {}): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.concat(payload)
  return Buffer.concat([ebmlId(id), vint(o.unknownSize === true ? null : body.length, o.sizeLength), body])
}

/** An element header only, for elements whose payload is a `{ zeros }` chunk. */
export function elHeader (id: number, size: number | null, sizeLength?: number): Buffer {
  return Buffer.concat([ebmlId(id), vint(size, sizeLength ?? (size === null ? 8 : undefined))])
}

export const MKV = {
  EBML: 0x1A45DFA3, DocType: 0x4282, EBMLVersion: 0x4286, DocTypeVersion: 0x4287,
  Segment: 0x18538067, SeekHead: 0x114D9B74, Seek: 0x4DBB, SeekID: 0x53AB, SeekPosition: 0x53AC,
  Info: 0x1549A966, TimecodeScale: 0x2AD7B1, MuxingApp: 0x4D80, WritingApp: 0x5741,
  Tracks: 0x1654AE6B, TrackEntry: 0xAE, TrackNumber: 0xD7, TrackUID: 0x73C5, TrackType: 0x83, CodecID: 0x86,
  Cluster: 0x1F43B675, Timecode: 0xE7, SimpleBlock: 0xA3,
  Cues: 0x1C53BB6B, CuePoint: 0xBB, CueTime: 0xB3, CueTrackPositions: 0xB7, CueTrack: 0xF7, CueClusterPosition: 0xF1,
  Tags: 0x1254C367, Tag: 0x7373, Void: 0xEC
} as const

export interface MkvOptions {
  docType?: string
  clusters?: number
  /** payload bytes of each cluster's block; default 20 000 */
  clusterBytes?: number
  /** clusters declared this large but kept sparse (for multi-GB layouts) */
  virtualClusterBytes?: number
  cuesAtFront?: boolean
  withTags?: boolean
  noSeekHead?: boolean
  unknownSegmentSize?: boolean
  /** force every size vint of the level-1 elements to this width (1-8) */
  sizeLength?: number
  /** Void bytes after the SeekHead (muxers reserve space there) */
  voidBytes?: number
  /** overrides the Cues' SeekPosition (to test stale entries) */
  cuesSeekPosition?: number
}

export interface SyntheticMkv extends SparseFile {
  offsets: { segment: number, segmentData: number, seekHead: number | null, info: number, tracks: number,
    firstCluster: number, cues: number, cuesSize: number, tags: number | null }
}

/**
 * A minimal valid Matroska file: EBML header, Segment with SeekHead -> Info/Tracks/Cues(/Tags),
 * clusters, Cues at the end (or front). Cluster payloads contain the Cues ID bytes and NULs,
 * so a probe that scans for IDs instead of following sizes finds the wrong thing.
 */
export function buildMkv (o: MkvOptions = {}): SyntheticMkv {
  const sl = o.sizeLength
  const ebml = el(MKV.EBML, [el(MKV.EBMLVersion, uint(1)), el(MKV.DocType, Buffer.from(o.docType ?? 'matroska')), el(MKV.DocTypeVersion, uint(4))])
  const info = el(MKV.Info, [el(MKV.TimecodeScale, uint(1000000)), el(MKV.MuxingApp, Buffer.from('momoshtrem-test')), el(MKV.WritingApp, Buffer.from('media.ts'))], { sizeLength: sl })
  const tracks = el(MKV.Tracks, el(MKV.TrackEntry, [el(MKV.TrackNumber, uint(1)), el(MKV.TrackUID, uint(1)), el(MKV.TrackType, uint(1)), el(MKV.CodecID, Buffer.from('V_UNCOMPRESSED'))]), { sizeLength: sl })
  const clusterCount = o.clusters ?? 3
  const clusters: Array<{ name: 'cluster' | 'zeros', chunk: Chunk }> = []
  for (let i = 0; i < clusterCount; i++) {
    const tc = el(MKV.Timecode, uint(i * 1000))
    if (o.virtualClusterBytes !== undefined) {
      clusters.push({ name: 'cluster', chunk: Buffer.concat([elHeader(MKV.Cluster, tc.length + o.virtualClusterBytes, 8), tc]) },
        { name: 'zeros', chunk: { zeros: o.virtualClusterBytes } })
    } else {
      const block = Buffer.alloc(o.clusterBytes ?? 20000, pattern(251, i))
      ebmlId(MKV.Cues).copy(block, 100) // a decoy Cues ID inside media data
      block[200] = 0
      clusters.push({ name: 'cluster', chunk: el(MKV.Cluster, [tc, el(MKV.SimpleBlock, block)], { sizeLength: sl }) })
    }
  }
  const tags = o.withTags === true ? el(MKV.Tags, el(MKV.Tag, Buffer.from('tag')), { sizeLength: sl }) : null
  const cuesFor = (clusterPositions: number[]): Buffer => el(MKV.Cues, clusterPositions.map((p, i) =>
    el(MKV.CuePoint, [el(MKV.CueTime, uint(i * 1000)), el(MKV.CueTrackPositions, [el(MKV.CueTrack, uint(1)), el(MKV.CueClusterPosition, uint(p, 8))])])), { sizeLength: sl })
  const seekHeadFor = (pos: { info: number, tracks: number, cues: number, tags: number | null }): Buffer => {
    const seek = (id: number, p: number): Buffer => el(MKV.Seek, [el(MKV.SeekID, ebmlId(id)), el(MKV.SeekPosition, uint(p, 8))])
    const entries = [seek(MKV.Info, pos.info), seek(MKV.Tracks, pos.tracks), seek(MKV.Cues, o.cuesSeekPosition ?? pos.cues)]
    if (pos.tags !== null) entries.push(seek(MKV.Tags, pos.tags))
    return el(MKV.SeekHead, entries, { sizeLength: sl })
  }
  const voidEl = o.voidBytes !== undefined ? el(MKV.Void, Buffer.alloc(o.voidBytes)) : null

  // Two passes: sizes do not depend on positions (fixed-width uints), so lay out with zeros,
  // then rebuild the SeekHead and Cues with the real positions.
  const assemble = (seekHead: Buffer | null, cues: Buffer): { children: Chunk[], names: string[] } => {
    const children: Chunk[] = []
    const names: string[] = []
    const add = (name: string, c: Chunk | null): void => { if (c !== null) { children.push(c); names.push(name) } }
    add('seekHead', seekHead)
    add('void', voidEl)
    add('info', info)
    add('tracks', tracks)
    if (o.cuesAtFront === true) add('cues', cues)
    for (const c of clusters) add(c.name, c.chunk)
    if (o.cuesAtFront !== true) add('cues', cues)
    add('tags', tags)
    return { children, names }
  }
  const dummyPositions = Array.from({ length: clusterCount }, () => 0)
  const first = assemble(o.noSeekHead === true ? null : seekHeadFor({ info: 0, tracks: 0, cues: 0, tags: tags === null ? null : 0 }), cuesFor(dummyPositions))
  const rel = layOut(first.children).offsets
  const at = (name: string): number => rel[first.names.indexOf(name)]!
  const clusterRel = first.names.flatMap((n, i) => n === 'cluster' ? [rel[i]!] : [])
  const second = assemble(o.noSeekHead === true ? null : seekHeadFor({ info: at('info'), tracks: at('tracks'), cues: at('cues'), tags: tags === null ? null : at('tags') }), cuesFor(clusterRel))
  const dataLength = layOut(second.children).size
  const segHeader = elHeader(MKV.Segment, o.unknownSegmentSize === true ? null : dataLength, 8)
  const file = layOut([ebml, segHeader, ...second.children])
  const segmentData = ebml.length + segHeader.length
  const cuesChunk = second.children[second.names.indexOf('cues')] as Buffer
  return {
    size: file.size,
    parts: file.parts,
    offsets: {
      segment: ebml.length,
      segmentData,
      seekHead: o.noSeekHead === true ? null : segmentData,
      info: segmentData + at('info'),
      tracks: segmentData + at('tracks'),
      firstCluster: segmentData + clusterRel[0]!,
      cues: segmentData + at('cues'),
      cuesSize: cuesChunk.length,
      tags: tags === null ? null : segmentData + at('tags')
    }
  }
}

// ---------------------------------------------------------------- MP4 writer

export function atom (type: string, payload: Buffer | Buffer[] = []): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.concat(payload)
  const h = Buffer.alloc(8)
  h.writeUInt32BE(8 + body.length, 0)
  h.write(type, 4, 'latin1')
  return Buffer.concat([h, body])
}

/** An atom header with size==1 and a 64-bit largesize (or size==0, "to EOF", when `toEof`). */
export function atomHeader (type: string, totalSize: number, form: 'large' | 'eof' | 'normal' = 'large'): Buffer {
  const h = Buffer.alloc(form === 'large' ? 16 : 8)
  h.writeUInt32BE(form === 'large' ? 1 : form === 'eof' ? 0 : totalSize, 0)
  h.write(type, 4, 'latin1')
  if (form === 'large') h.writeBigUInt64BE(BigInt(totalSize), 8)
  return h
}

export interface Mp4Options {
  faststart?: boolean
  /** media bytes in mdat; default 100 000 */
  mdatBytes?: number
  /** mdat payload kept sparse (multi-GB layouts) */
  virtualMdat?: boolean
  /** mdat written with size==1 and a 64-bit largesize */
  largesize?: boolean
  /** mdat written with size==0 (runs to EOF; needs faststart) */
  mdatToEof?: boolean
  /** extra payload bytes inside moov (a long movie's sample tables) */
  moovBytes?: number
  /** a `free` atom of this many payload bytes after ftyp */
  freeBytes?: number
}

export interface SyntheticMp4 extends SparseFile {
  offsets: { ftyp: number, moov: number, moovSize: number, mdat: number, mdatSize: number }
}

export function buildMp4 (o: Mp4Options = {}): SyntheticMp4 {
  const ftyp = atom('ftyp', [Buffer.from('isom'), uint(0x200, 4), Buffer.from('isomiso2avc1mp41')])
  const mvhd = atom('mvhd', Buffer.alloc(100))
  const pad = Buffer.alloc(o.moovBytes ?? 600)
  Buffer.from('mdat').copy(pad, 10) // a decoy fourcc inside moov
  const moov = atom('moov', [mvhd, atom('trak', [atom('tkhd', Buffer.alloc(84)), atom('mdia', pad)])])
  const mediaBytes = o.mdatBytes ?? 100000
  const hdrForm = o.mdatToEof === true ? 'eof' : o.largesize === true ? 'large' : 'normal'
  const mdatHeader = atomHeader('mdat', (hdrForm === 'large' ? 16 : 8) + mediaBytes, hdrForm)
  let media: Chunk
  if (o.virtualMdat === true) media = { zeros: mediaBytes }
  else {
    const b = Buffer.alloc(mediaBytes, pattern(253, 7))
    if (b.length > 64) atomHeader('moov', 64, 'normal').copy(b, 40) // decoy moov header in media data
    media = b
  }
  const free = o.freeBytes !== undefined ? [atom('free', Buffer.alloc(o.freeBytes))] : []
  const chunks: Chunk[] = o.faststart === true || o.mdatToEof === true
    ? [ftyp, ...free, moov, mdatHeader, media]
    : [ftyp, ...free, mdatHeader, media, moov]
  const file = layOut(chunks)
  const idx = (c: Chunk): number => file.offsets[chunks.indexOf(c)]!
  return {
    size: file.size,
    parts: file.parts,
    offsets: { ftyp: 0, moov: idx(moov), moovSize: moov.length, mdat: idx(mdatHeader), mdatSize: mdatHeader.length + mediaBytes }
  }
}

// ---------------------------------------------------------------- real files from ffmpeg

let ffmpegChecked: boolean | undefined

export function hasFfmpeg (): boolean {
  ffmpegChecked ??= spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' }).status === 0
  return ffmpegChecked
}

export interface VideoOptions {
  format: 'mkv' | 'mp4'
  seconds: number
  /** MP4 only: moov before mdat (-movflags +faststart) */
  faststart?: boolean
  /** default 320x240 */
  size?: string
  /** extra muxer options, e.g. ['-movflags', '+frag_keyframe+empty_moov'] or ['-reserve_index_space', '20000'] */
  extraArgs?: string[]
  /** file name inside `dir` (default derived from the options) */
  name?: string
}

/**
 * Encodes a test video (testsrc picture + sine tone, H.264 + AAC) into `dir`. Returns its
 * path, or null when ffmpeg is not installed (callers skip with a reason).
 */
export async function makeVideo (dir: string, o: VideoOptions): Promise<string | null> {
  if (!hasFfmpeg()) return null
  const name = o.name ?? `video-${o.seconds}s${o.faststart === true ? '-faststart' : ''}.${o.format}`
  const file = join(dir, name)
  const input = ['-f', 'lavfi', '-i', `testsrc=duration=${o.seconds}:size=${o.size ?? '320x240'}:rate=25`,
    '-f', 'lavfi', '-i', `sine=duration=${o.seconds}`]
  const flags = [...(o.format === 'mp4' && o.faststart === true ? ['-movflags', '+faststart'] : []), ...(o.extraArgs ?? [])]
  const run = async (video: string[]): Promise<void> => {
    await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...input, ...video,
      '-c:a', 'aac', '-shortest', ...flags, file], { timeout: 120_000 })
  }
  try {
    await run(['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'])
  } catch {
    await run(['-c:v', 'mpeg4']) // an ffmpeg built without libx264
  }
  return file
}
