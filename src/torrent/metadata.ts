// The info dictionary: parsing, validation against the expected info hash, and piece math.
import parseTorrent, { toTorrentFile } from 'parse-torrent'
import type { TorrentInfo } from './types.ts'

export const BLOCK = 16 * 1024

export interface TorrentMeta {
  info: TorrentInfo
  /** 20-byte SHA-1 per piece */
  hashes: Buffer[]
  /** bencoded info dictionary (served to peers through ut_metadata) */
  infoBuffer: Uint8Array
  /** bencoded { info } (what we persist as <hash>.torrent) */
  torrentFile: Uint8Array
}

/** Parses a bencoded torrent (at least { info }) and checks it against `infoHash`. */
export async function parseMeta (torrentFile: Uint8Array, infoHash: string): Promise<TorrentMeta> {
  const parsed = await parseTorrent(torrentFile)
  if (parsed.infoHash !== infoHash) throw new Error(`info hash mismatch: ${parsed.infoHash} != ${infoHash}`)
  const { files, pieceLength, pieces, length, infoBuffer, info } = parsed
  if (files === undefined || pieceLength === undefined || pieces === undefined || length === undefined || infoBuffer === undefined || info === undefined) {
    throw new Error('incomplete info dictionary')
  }
  if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0 || pieceLength > 64 * 1024 * 1024) throw new Error(`bad piece length ${pieceLength}`)
  if (pieces.length !== Math.ceil(length / pieceLength)) throw new Error('piece count does not match total length')
  return {
    info: {
      infoHash,
      name: parsed.name ?? infoHash,
      length,
      pieceLength,
      pieceCount: pieces.length,
      files: files.map((f, index) => ({ index, path: f.path.split('\\').join('/'), length: f.length, offset: f.offset }))
    },
    hashes: pieces.map(h => Buffer.from(h, 'hex')),
    infoBuffer,
    torrentFile: toTorrentFile({ info })
  }
}

/** Bytes in piece `index` (the last piece may be short). */
export function pieceSize (info: TorrentInfo, index: number): number {
  if (index < info.pieceCount - 1) return info.pieceLength
  return info.length - info.pieceLength * (info.pieceCount - 1)
}

export function blockCount (info: TorrentInfo, index: number): number {
  return Math.ceil(pieceSize(info, index) / BLOCK)
}

/** [first, last] piece indexes covering torrent bytes [start, end) with end > start. */
export function piecesForRange (info: TorrentInfo, start: number, end: number): [number, number] {
  return [Math.floor(start / info.pieceLength), Math.floor((end - 1) / info.pieceLength)]
}
