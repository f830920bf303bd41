// Small helpers for piece files: a file's stamp (what it looked like when its bytes were last
// known good) and exact reads through an open descriptor.
import type { BigIntStats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'

/** What a piece file looked like when its bytes were last known good. */
export interface Stamp { size: bigint, mtimeNs: bigint, ctimeNs: bigint, ino: bigint }

export function stampOf (st: BigIntStats): Stamp {
  return { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino }
}

/** Unchanged since stamped: any write, truncation, replacement or touch changes one of these. */
export function sameFile (stamp: Stamp | undefined, st: BigIntStats): boolean {
  return stamp !== undefined && stamp.size === st.size && stamp.mtimeNs === st.mtimeNs &&
    stamp.ctimeNs === st.ctimeNs && stamp.ino === st.ino
}

/** `length` bytes at `position` (into `into` when given, else fresh memory), or null when the file is shorter. */
export async function readExactly (fh: FileHandle, length: number, position: number, into?: Buffer): Promise<Buffer | null> {
  const buf = into === undefined ? Buffer.allocUnsafe(length) : into.subarray(0, length)
  let got = 0
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got)
    if (bytesRead === 0) return null
    got += bytesRead
  }
  return buf
}

/** A piece's key in the shared LRU. */
export function pieceKey (infoHash: string, index: number): string { return `${infoHash}:${index}` }
