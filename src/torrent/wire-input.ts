// The bytes a peer sends, cut into messages with fewer copies than bittorrent-protocol's own
// Wire._write. That one appends each socket chunk to what is left of the last and concatenates
// the two into a new zero-filled buffer: every byte received was copied once more (and
// allocated twice) before the block reached its piece. Here only a message that straddles two
// chunks is assembled (from exactly the bytes it lacks); every other message is a view of the
// socket chunk it arrived in. Same parser contract (_parserSize, _parser, _buffer,
// _bufferSize), same crypto handling: while an encrypted handshake is being synchronised the
// wire's own path runs.
import { Buffer } from 'node:buffer'
import type Wire from 'bittorrent-protocol'

interface WireInput {
  _write: (data: Uint8Array, cb: (err: Error | null) => void) => void
  _processBuffer: () => void
  _encryptor?: { decrypt: (data: Uint8Array) => Uint8Array } | null
  _cryptoSyncPattern: Uint8Array | null
  _pePending: boolean
  _buffer: Uint8Array[]
  _bufferSize: number
  _parserSize: number
}

/** a PIECE message of one block (BLOCK) with its id, index and offset */
const SCRATCH = 16 * 1024 + 9
const PIECE = 7

/** Replaces `wire`'s _write with the fewer-copies one; throws if the internals it needs are gone. */
export function installWireInput (wire: Wire): void {
  const w = wire as unknown as WireInput
  let scratch: Buffer | undefined
  /**
   * The message begun in w._buffer, completed by `rest`. A PIECE message is assembled in this
   * wire's scratch buffer, not a new one: its block is copied into its piece before the parser
   * returns (Scheduler.onBlock), where a new buffer for about one block in four (the one that
   * straddles two socket chunks) was that much more memory for the garbage collector to count.
   * Any other message gets its own buffer (a bitfield is kept as it arrived).
   */
  const assemble = (rest: Uint8Array): Buffer => {
    const size = w._parserSize
    const isPiece = size > 4 && size <= SCRATCH && w._buffer[0]!.length > 0 && w._buffer[0]![0] === PIECE
    if (!isPiece || w._buffer.some((b) => b.buffer === scratch?.buffer)) return Buffer.concat([...w._buffer, rest], size)
    scratch ??= Buffer.allocUnsafeSlow(SCRATCH)
    let at = 0
    for (const b of w._buffer) { scratch.set(b, at); at += b.length }
    scratch.set(rest, at)
    return scratch.subarray(0, size)
  }
  if (typeof w._write !== 'function' || typeof w._processBuffer !== 'function' || !Array.isArray(w._buffer) || typeof w._bufferSize !== 'number') {
    throw new Error('bittorrent-protocol: Wire._write/_processBuffer/_buffer not found, the wire input cannot be installed')
  }
  w._write = (chunk: Uint8Array, cb: (err: Error | null) => void): void => {
    let data = w._encryptor != null ? w._encryptor.decrypt(chunk) : chunk
    // a message begun in earlier chunks: complete it with just the bytes it still lacks
    while (w._buffer.length > 0 && data.length > 0 && w._cryptoSyncPattern === null && !w._pePending) {
      const need = w._parserSize - w._bufferSize
      if (need <= 0) break
      if (data.length < need) {
        w._buffer.push(data)
        w._bufferSize += data.length
        data = data.subarray(data.length)
        break
      }
      w._buffer = [assemble(data.subarray(0, need))]
      w._bufferSize = w._parserSize
      data = data.subarray(need)
      w._processBuffer()
    }
    if (data.length > 0) {
      // the rest goes behind whatever is still buffered, as the wire's own _write would put it
      w._buffer = w._buffer.length === 0 ? [data] : [Buffer.concat([...w._buffer, data])]
      w._bufferSize += data.length
    } else if (w._buffer.length > 1 && (w._cryptoSyncPattern !== null || w._pePending)) {
      // the crypto resync scans one buffer; a plain message is assembled once it is complete
      w._buffer = [Buffer.concat(w._buffer, w._bufferSize)]
    }
    if (w._buffer.length > 0) w._processBuffer()
    cb(null)
  }
}
