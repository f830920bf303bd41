// EBML primitives (RFC 8794): variable-length IDs and sizes. Pure, bounds-checked: every
// function returns null instead of reading past the buffer or accepting an invalid vint.

export const ID = {
  EBML: 0x1A45DFA3,
  DocType: 0x4282,
  Segment: 0x18538067,
  SeekHead: 0x114D9B74,
  Seek: 0x4DBB,
  SeekID: 0x53AB,
  SeekPosition: 0x53AC,
  Info: 0x1549A966,
  Tracks: 0x1654AE6B,
  Cues: 0x1C53BB6B,
  Tags: 0x1254C367,
  Chapters: 0x1043A770,
  Attachments: 0x1941A469,
  Cluster: 0x1F43B675,
  Void: 0xEC,
  CRC32: 0xBF
} as const

export interface ElementHeader {
  id: number
  /** null: the "unknown size" marker (all value bits set) */
  size: number | null
  /** ID bytes + size bytes */
  headerLength: number
}

/** Length of a vint from its first byte (1..8), or 0 when the byte is 0x00 (invalid). */
function vintLength (first: number): number {
  for (let len = 1; len <= 8; len++) if ((first & (0x80 >> (len - 1))) !== 0) return len
  return 0
}

/** An element ID: 1-4 bytes, marker bits kept (as IDs are written in the spec). */
export function readId (buf: Buffer, pos: number): { id: number, length: number } | null {
  if (pos < 0 || pos >= buf.length) return null
  const len = vintLength(buf[pos]!)
  if (len === 0 || len > 4 || pos + len > buf.length) return null
  let id = 0
  for (let i = 0; i < len; i++) id = id * 256 + buf[pos + i]!
  return { id, length: len }
}

/** A data size: 1-8 bytes, marker stripped; value null for the unknown-size marker. */
export function readSize (buf: Buffer, pos: number): { value: number | null, length: number } | null {
  if (pos < 0 || pos >= buf.length) return null
  const len = vintLength(buf[pos]!)
  if (len === 0 || pos + len > buf.length) return null
  let value = buf[pos]! & (0xFF >> len)
  let allOnes = value === (0xFF >> len)
  for (let i = 1; i < len; i++) {
    const b = buf[pos + i]!
    if (b !== 0xFF) allOnes = false
    value = value * 256 + b
  }
  if (allOnes) return { value: null, length: len }
  // Sizes past 2^53 cannot be real files; treating them as garbage keeps arithmetic exact.
  if (!Number.isSafeInteger(value)) return null
  return { value, length: len }
}

export function readHeader (buf: Buffer, pos: number): ElementHeader | null {
  const id = readId(buf, pos)
  if (id === null) return null
  const size = readSize(buf, pos + id.length)
  if (size === null) return null
  return { id: id.id, size: size.value, headerLength: id.length + size.length }
}

/** Big-endian unsigned integer of 0-8 bytes (EBML uint); null when too large to be exact. */
export function readUint (buf: Buffer, pos: number, length: number): number | null {
  if (length > 8 || pos + length > buf.length) return null
  let v = 0
  for (let i = 0; i < length; i++) v = v * 256 + buf[pos + i]!
  return Number.isSafeInteger(v) ? v : null
}

/** Children of a master element's body (buf[start, end)), stopping at the first bad header. */
export function * children (buf: Buffer, start: number, end: number): Generator<ElementHeader & { offset: number }> {
  let pos = start
  const stop = Math.min(end, buf.length)
  while (pos < stop) {
    const h = readHeader(buf, pos)
    if (h === null || h.size === null) return
    const dataEnd = pos + h.headerLength + h.size
    if (dataEnd > stop) return
    yield { ...h, offset: pos }
    pos = dataEnd
  }
}
