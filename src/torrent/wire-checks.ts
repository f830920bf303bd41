// What a peer may send: every message is checked against the protocol and the torrent
// before the wire acts on it (Peer's guardWire). A violation is the peer's fault, and the
// peer is banned and disconnected; nothing here throws.
import { BLOCK, pieceSize } from './metadata.ts'
import type { TorrentInfo } from './types.ts'

/**
 * The longest message accepted from a peer before its id is even read: an extension message
 * carrying a ut_metadata piece (16 KiB and its bencoded header) is the largest we ever ask
 * for, a PIECE (9 + BLOCK) is smaller. Bitfields get room for one bit per piece; before the
 * metadata the piece count is unknown and the library's own bitfield cap (400 000 pieces)
 * bounds it. bittorrent-protocol itself would wait for (and buffer) up to 2^31 - 1 bytes, and
 * reads a prefix of 2^31 or more as a negative number, i.e. a keep-alive.
 */
const MAX_FRAME = 2 + BLOCK + 1024
const MAX_BITFIELD_PIECES = 400_000
/** BEP 3: requests above 128 KiB are grounds to close the connection (we serve up to this much) */
const MAX_REQUEST = 128 * 1024

export function maxMessageLength (info: TorrentInfo | null): number {
  return Math.max(MAX_FRAME, 1 + Math.ceil((info?.pieceCount ?? MAX_BITFIELD_PIECES) / 8))
}

/** The big-endian 32-bit integer at `at` (message fields: index, offset, length). */
export function u32 (b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!
}

/** BEP 10: an extension id is one byte, and 0 means the peer turned the extension off. */
export function isExtId (v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 255
}

/** A block range inside the torrent: `index` exists and [offset, offset+length) lies in it. */
function inPiece (info: TorrentInfo, index: number, offset: number, length: number): boolean {
  return index < info.pieceCount && offset + length <= pieceSize(info, index)
}

/** BEP 3: one bit per piece, the spare bits at the end cleared. */
function bitfieldViolation (bits: Uint8Array, pieceCount: number): string | null {
  if (bits.length !== Math.ceil(pieceCount / 8)) return `bitfield of ${bits.length} bytes for ${pieceCount} pieces`
  const used = pieceCount % 8
  return used !== 0 && (bits[bits.length - 1]! & (0xff >> used)) !== 0 ? 'bitfield with spare bits set' : null
}

/**
 * Why message `msg` (id and payload, without the length prefix) breaks the protocol, or null.
 * `info` is null before the metadata (nothing to check indexes against yet); `ours` the ids we
 * gave our extensions (wire.extendedMapping).
 */
export function messageViolation (msg: Uint8Array, info: TorrentInfo | null, ours: Record<number, string>): string | null {
  const id = msg[0]!
  const n = msg.length
  const sized = (want: number): string | null => n === want ? null : `message ${id} of ${n} bytes, expected ${want}`
  switch (id) {
    case 0: case 1: case 2: case 3: case 0x0E: case 0x0F: // choke .. uninterested, have-all, have-none
      return sized(1)
    case 4: // have
      return sized(5) ?? (info !== null && u32(msg, 1) >= info.pieceCount ? `have ${u32(msg, 1)} of ${info.pieceCount} pieces` : null)
    case 5: // bitfield
      return info === null ? null : bitfieldViolation(msg.subarray(1), info.pieceCount)
    case 6: { // request
      const bad = sized(13)
      if (bad !== null) return bad
      const [index, offset, length] = [u32(msg, 1), u32(msg, 5), u32(msg, 9)]
      if (length === 0 || length > MAX_REQUEST) return `request of ${length} bytes`
      return info !== null && !inPiece(info, index, offset, length) ? `request outside the torrent (${index}, ${offset}, ${length})` : null
    }
    case 7: { // piece
      if (n <= 9) return `piece message of ${n} bytes`
      const [index, offset, length] = [u32(msg, 1), u32(msg, 5), n - 9]
      if (length > BLOCK) return `block of ${length} bytes`
      return info !== null && !inPiece(info, index, offset, length) ? `block outside the torrent (${index}, ${offset}, ${length})` : null
    }
    case 8: case 0x10: // cancel, reject
      return sized(13)
    case 9: // port
      return sized(3)
    case 0x0D: case 0x11: // suggest, allowed-fast
      return sized(5)
    case 20: // extended
      if (n < 2) return 'extended message without an id'
      return msg[1] === 0 || ours[msg[1]!] !== undefined ? null : `extended message for id ${msg[1]}, which we never gave`
    default: // BEP 3: unknown messages are ignored
      return null
  }
}

/** A bencoded dictionary as bencode decodes it (not a list, string or integer). */
export function isDict (v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v)
}
