// Matroska/WebM probe. A player opening an MKV reads the EBML header, the Segment's first
// level-1 elements (SeekHead, Info, Tracks, ...), then jumps to what the SeekHead indexes,
// above all the Cues (usually at the end). This finds those elements with a handful of small
// reads: the first 64 KiB, then one read per group of indexed elements.
import type { ByteSource } from './source.ts'
import { ID, children, readHeader, readUint, type ElementHeader } from './ebml.ts'
import { headTail, mergeRanges, type WantedRange } from './ranges.ts'
import type { LocateOptions, MkvDetails, PlaybackLayout, RangeReason } from './types.ts'

/** Longest element header: a 4-byte ID and an 8-byte size. */
const HEADER_READ = 12
/** Level-1 elements walked from the Segment start before giving up on finding a Cluster. */
const MAX_WALK = 64
/** Rounds of following SeekHeads that point at more SeekHeads. */
const MAX_SEEK_ROUNDS = 4
/** SeekHeads are a few hundred bytes; anything larger is garbage. */
const MAX_SEEKHEAD_BYTES = 1 << 20
/** Indexed elements closer together than this are fetched with one read. */
const GROUP_SPAN = 64 * 1024

type Name = keyof MkvDetails['elements']
const NAMES = new Map<number, Name>([
  [ID.SeekHead, 'seekHead'], [ID.Info, 'info'], [ID.Tracks, 'tracks'], [ID.Cues, 'cues'],
  [ID.Tags, 'tags'], [ID.Chapters, 'chapters'], [ID.Attachments, 'attachments']
])
const REASONS: Record<Name, RangeReason> = {
  seekHead: 'index', info: 'info', tracks: 'tracks', cues: 'cues', tags: 'tags', chapters: 'chapters', attachments: 'attachments'
}

async function headerAt (src: ByteSource, pos: number): Promise<ElementHeader | null> {
  const buf = await src.read(pos, HEADER_READ)
  return buf === null ? null : readHeader(buf, 0)
}

/** DocType of a valid EBML header at offset 0, or null when this is not an EBML file. */
function docTypeOf (head: Buffer): { docType: string, end: number } | null {
  const ebml = readHeader(head, 0)
  if (ebml === null || ebml.id !== ID.EBML || ebml.size === null) return null
  const end = ebml.headerLength + ebml.size
  if (end > head.length) return null
  let docType = 'matroska' // the spec's default when DocType is absent
  for (const c of children(head, ebml.headerLength, end)) {
    if (c.id === ID.DocType) {
      const start = c.offset + c.headerLength
      docType = head.toString('latin1', start, start + (c.size ?? 0)).replace(/\0+$/, '')
    }
  }
  return { docType, end }
}

/** Adds the SeekHead's entries (absolute offset -> expected ID) to `targets`. */
async function readSeekHead (src: ByteSource, pos: number, h: ElementHeader, dataStart: number, targets: Map<number, number>): Promise<void> {
  if (h.size === null || h.size > MAX_SEEKHEAD_BYTES) return
  const body = await src.read(pos + h.headerLength, h.size)
  if (body === null) return
  for (const seek of children(body, 0, body.length)) {
    if (seek.id !== ID.Seek || seek.size === null) continue
    let id: number | null = null
    let position: number | null = null
    const start = seek.offset + seek.headerLength
    for (const c of children(body, start, start + seek.size)) {
      const at = c.offset + c.headerLength
      if (c.id === ID.SeekID) id = readUint(body, at, c.size ?? 0)
      else if (c.id === ID.SeekPosition) position = readUint(body, at, c.size ?? 0)
    }
    if (id === null || position === null || id === ID.Cluster) continue
    const abs = dataStart + position
    if (abs < src.size && !targets.has(abs)) targets.set(abs, id)
  }
}

/** Reads each cluster of nearby offsets once, so the header reads that follow hit the cache. */
async function prefetch (src: ByteSource, offsets: number[]): Promise<void> {
  let i = 0
  while (i < offsets.length) {
    const start = offsets[i]!
    let j = i
    while (j + 1 < offsets.length && offsets[j + 1]! - start <= GROUP_SPAN) j++
    await src.read(start, offsets[j]! - start + HEADER_READ)
    i = j + 1
  }
}

/** The layout of an MKV/WebM file, or null when the file is not one (then another probe runs). */
export async function locateMkv (src: ByteSource, opts: LocateOptions): Promise<PlaybackLayout | null> {
  const doc = docTypeOf(src.head)
  if (doc === null || (doc.docType !== 'matroska' && doc.docType !== 'webm')) return null

  // The Segment follows the EBML header, possibly after Void/CRC-32 padding.
  let pos = doc.end
  let segment: ElementHeader | null = null
  for (let i = 0; i < 8 && segment === null; i++) {
    const h = await headerAt(src, pos)
    if (h === null) break
    if (h.id === ID.Segment) segment = h
    else if ((h.id === ID.Void || h.id === ID.CRC32) && h.size !== null) pos += h.headerLength + h.size
    else break
  }
  if (segment === null) return null
  const dataStart = pos + segment.headerLength
  const declaredEnd = segment.size === null ? src.size : dataStart + segment.size
  let truncated = declaredEnd > src.size
  const segEnd = Math.min(declaredEnd, src.size)

  const elements: MkvDetails['elements'] = {}
  const wanted: WantedRange[] = []
  const targets = new Map<number, number>()
  const note = (name: Name, offset: number, size: number): void => {
    elements[name] ??= { offset, size }
    wanted.push({ offset, length: size, reason: REASONS[name] })
  }

  // Walk level-1 elements up to the first Cluster: everything before it is read at open.
  let firstCluster: number | null = null
  let walkComplete = false
  pos = dataStart
  for (let step = 0; step < MAX_WALK && pos < segEnd; step++) {
    const h = await headerAt(src, pos)
    if (h === null) break
    if (h.id === ID.Cluster) { firstCluster = pos; walkComplete = true; break }
    if (h.size === null) break // an unknown-size element other than a Cluster cannot be skipped
    const end = pos + h.headerLength + h.size
    // Past the Segment's end is garbage (or a cut file): don't let one bad size turn the
    // whole file into "header"; the head estimate below covers what could not be walked.
    if (end > segEnd) { if (declaredEnd > src.size) truncated = true; break }
    const name = NAMES.get(h.id)
    if (name !== undefined) note(name, pos, end - pos)
    if (h.id === ID.SeekHead) await readSeekHead(src, pos, h, dataStart, targets)
    pos = end
  }
  if (pos >= segEnd) walkComplete = true
  const walkEnd = Math.min(pos, segEnd)
  wanted.push({ offset: 0, length: walkEnd, reason: 'header' })
  // A walk cut short (garbage, unknown sizes, the cap) leaves the rest of the header unknown.
  if (!walkComplete) wanted.push({ offset: 0, length: opts.headerBytes, reason: 'head' })

  // Elements the SeekHead(s) index beyond the walked region: check each ID, take its size.
  const done = new Set<number>()
  for (let round = 0; round < MAX_SEEK_ROUNDS; round++) {
    const todo = [...targets.keys()].filter((o) => o >= walkEnd && !done.has(o)).sort((a, b) => a - b)
    if (todo.length === 0) break
    await prefetch(src, todo)
    for (const offset of todo) {
      done.add(offset)
      const h = await headerAt(src, offset)
      // A stale or corrupt entry points at something else: trust only a matching ID.
      if (h === null || h.id !== targets.get(offset)) continue
      const name = NAMES.get(h.id)
      if (name === undefined) continue
      const declared = h.size === null ? segEnd - offset : h.headerLength + h.size
      if (offset + declared > segEnd) {
        if (declaredEnd <= src.size) continue // the Segment is whole, so this size is garbage
        truncated = true // the file was cut: keep what is there
      }
      note(name, offset, Math.min(declared, src.size - offset))
      if (h.id === ID.SeekHead) await readSeekHead(src, offset, h, dataStart, targets)
    }
  }

  // Without a Cues position, seeking needs an index the player may look for near the end.
  if (elements.cues === undefined) wanted.push(headTail(src.size, opts.headerBytes, opts.footerBytes)[1]!)

  return {
    format: 'mkv',
    ranges: mergeRanges(wanted, src.size),
    mediaOffset: firstCluster,
    reads: src.reads,
    bytesRead: src.bytesRead,
    details: {
      docType: doc.docType,
      segmentDataOffset: dataStart,
      segmentSize: segment.size,
      firstClusterOffset: firstCluster,
      cuesOffset: elements.cues?.offset ?? null,
      cuesSize: elements.cues?.size ?? null,
      elements,
      truncated
    }
  }
}
