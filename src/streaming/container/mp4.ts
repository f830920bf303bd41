// MP4/M4V/MOV probe. A player walks the top-level atoms (ftyp, free, mdat, moov, ...) by
// their sizes and needs moov, which sits right after ftyp ("faststart") or after the media
// data at the end. This walks the same way with 16-byte header reads, jumping over mdat, so
// a moov at the end of a 50 GB file costs two small reads after the first 64 KiB.
import type { ByteSource } from './source.ts'
import { headTail, mergeRanges, type WantedRange } from './ranges.ts'
import type { LocateOptions, Mp4Atom, Mp4Details, PlaybackLayout } from './types.ts'

/** size(4) type(4) largesize(8) */
const HEADER_READ = 16
/** Top-level atoms walked; fragmented files stop early (see below), others have a handful. */
const MAX_ATOMS = 256
/** What an ISO BMFF / QuickTime file may start with. */
const FIRST_TYPES = new Set(['ftyp', 'styp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid', 'pdin', 'sidx', 'moof'])

/** Four bytes that can be an atom type: printable ASCII (and © used by QuickTime). */
function isFourcc (buf: Buffer, pos: number): boolean {
  for (let i = pos; i < pos + 4; i++) {
    const b = buf[i]
    if (b === undefined || ((b < 0x20 || b > 0x7E) && b !== 0xA9)) return false
  }
  return true
}

interface AtomHeader { type: string, size: number, headerLength: number }

/** The atom header at `pos`, or null for garbage; `size` is clamped to EOF by the caller. */
async function atomAt (src: ByteSource, pos: number): Promise<AtomHeader | null> {
  const buf = await src.read(pos, HEADER_READ)
  if (buf === null || buf.length < 8 || !isFourcc(buf, 4)) return null
  const type = buf.toString('latin1', 4, 8)
  const size32 = buf.readUInt32BE(0)
  if (size32 === 1) { // 64-bit largesize follows the type
    if (buf.length < 16) return null
    const large = buf.readBigUInt64BE(8)
    if (large < 16n || large > BigInt(Number.MAX_SAFE_INTEGER)) return null
    return { type, size: Number(large), headerLength: 16 }
  }
  if (size32 === 0) return { type, size: src.size - pos, headerLength: 8 } // runs to EOF
  if (size32 < 8) return null
  return { type, size: size32, headerLength: 8 }
}

/** The fragmented-MP4 random access index: `mfro` in the last 16 bytes gives `mfra`'s size. */
async function findMfra (src: ByteSource, after: number): Promise<Mp4Atom | null> {
  if (src.size < 16) return null
  const tail = await src.read(src.size - 16, 16)
  if (tail === null || tail.length < 16 || tail.toString('latin1', 4, 8) !== 'mfro') return null
  const size = tail.readUInt32BE(12)
  const offset = src.size - size
  if (size < 16 || offset < after) return null
  const h = await atomAt(src, offset)
  return h !== null && h.type === 'mfra' ? { type: 'mfra', offset, size } : null
}

/** The layout of an MP4-family file, or null when the file does not start like one. */
export async function locateMp4 (src: ByteSource, opts: LocateOptions): Promise<PlaybackLayout | null> {
  const atoms: Mp4Atom[] = []
  let truncated = false
  let moov: Mp4Atom | null = null
  let mdat: Mp4Atom | null = null
  let majorBrand: string | null = null
  let fragmented = false
  let mediaSeen = false
  let headerEnd = 0
  let mediaOffset: number | null = null
  let pos = 0
  for (let step = 0; step < MAX_ATOMS && pos < src.size; step++) {
    const h = await atomAt(src, pos)
    if (h === null || (step === 0 && !FIRST_TYPES.has(h.type))) {
      if (step === 0) return null
      break
    }
    let size = h.size
    const cut = pos + size > src.size
    if (cut) { truncated = true; size = src.size - pos }
    const atom = { type: h.type, offset: pos, size }
    atoms.push(atom)
    // A cut (or garbage-sized) atom before the media must not make the rest of the file
    // "header"; media data and moov itself are kept as far as the file goes.
    if (cut && !mediaSeen && h.type !== 'mdat' && h.type !== 'moof' && h.type !== 'moov') break
    if (h.type === 'ftyp' && step === 0 && size >= 12) {
      const b = await src.read(pos + 8, 4)
      if (b !== null && b.length === 4 && isFourcc(b, 0)) majorBrand = b.toString('latin1')
    }
    if (h.type === 'moov') moov ??= atom
    if (h.type === 'mdat') mdat ??= atom
    if (h.type === 'moof') fragmented = true
    // A player reads every atom before the media data, and the media atom's header.
    if (!mediaSeen) headerEnd = h.type === 'mdat' || h.type === 'moof' ? pos + h.headerLength : pos + size
    if (!mediaSeen && (h.type === 'mdat' || h.type === 'moof')) {
      mediaSeen = true
      mediaOffset = h.type === 'mdat' ? pos + h.headerLength : pos
    }
    pos += size
    // Enough known: moov and where the media starts. Fragmented files have thousands of
    // moof/mdat pairs; their index is mfra at the end, found below without walking them.
    if (moov !== null && mediaSeen) break
  }

  const wanted: WantedRange[] = [{ offset: 0, length: headerEnd, reason: 'header' }]
  if (moov !== null) wanted.push({ offset: moov.offset, length: moov.size, reason: 'moov' })
  else wanted.push(...headTail(src.size, opts.headerBytes, opts.footerBytes))
  if (fragmented) {
    const mfra = await findMfra(src, pos)
    if (mfra !== null) {
      atoms.push(mfra)
      wanted.push({ offset: mfra.offset, length: mfra.size, reason: 'index' })
    }
  }

  const details: Mp4Details = {
    majorBrand,
    moovOffset: moov?.offset ?? null,
    moovSize: moov?.size ?? null,
    mdatOffset: mdat?.offset ?? null,
    mdatSize: mdat?.size ?? null,
    faststart: moov !== null && (mdat === null || moov.offset < mdat.offset),
    fragmented,
    truncated,
    atoms
  }
  return { format: 'mp4', ranges: mergeRanges(wanted, src.size), mediaOffset, reads: src.reads, bytesRead: src.bytesRead, details }
}
