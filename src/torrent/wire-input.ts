// The bytes a peer sends, cut into messages with fewer copies than bittorrent-protocol's own
// Wire._write. That one appends each socket chunk to what is left of the last and concatenates
// the two into a new zero-filled buffer: every byte received was copied once more (and
// allocated twice) before the block reached its piece. Here a message is parsed where it
// arrived, and the bytes handed in are only valid during the call: a connection we dial reads
// into one buffer shared by every such socket (socket-input.ts), overwritten by the next read.
// So whatever outlives the call is copied into memory the wire owns:
// - the start of a message that straddles two reads (into this wire's carry buffer when it
//   fits: a PIECE message of one block, a length prefix);
// - a message the wire or an extension may keep (a bitfield, an extended message, the
//   handshake's peer id, anything unknown); a PIECE block is copied into its piece before the
//   parser returns (Scheduler.onBlock), and the other messages are read as numbers.
// Same parser contract (_parserSize, _parser, _buffer, _bufferSize), same crypto handling:
// while an encrypted handshake is being synchronised the wire's own path runs, on a copy.
import { Buffer } from 'node:buffer'
import type Wire from 'bittorrent-protocol'

type Parser = (buf: Uint8Array) => void

interface WireInput {
  _write: (data: Uint8Array, cb: (err: Error | null) => void) => void
  _processBuffer: () => void
  _encryptor?: { decrypt: (data: Uint8Array) => Uint8Array, cryptoHandshakeDone: boolean } | null
  _cryptoSyncPattern: Uint8Array | null
  _pePending: boolean
  _buffer: Uint8Array[]
  _bufferSize: number
  _parserSize: number
  _parser: Parser | null
  _onMessage: Parser
  _onMessageLength: Parser
  /** set once the wire's writable side finished ('finish'): its parser then waits forever */
  _finished: boolean
  readonly destroying: boolean
}

/** Parses bytes that are valid only until it returns. */
export type WireFeed = (bytes: Uint8Array) => void

/** a PIECE message of one block (BLOCK) with its id, index and offset */
const CARRY = 16 * 1024 + 9
const PIECE = 7
/**
 * Message ids the wire reads as numbers and forgets (BEP 3 and BEP 6 ones with fixed fields):
 * these may be handed over as views of the socket's buffer. Everything else (bitfield 5,
 * extended 20, unknown ids) is copied first.
 */
const READ_ONLY = new Set([0, 1, 2, 3, 4, 6, PIECE, 8, 9, 0x0D, 0x0E, 0x0F, 0x10, 0x11])

const feeds = new WeakMap<Wire, WireFeed>()

/**
 * Replaces `wire`'s _write with the fewer-copies input and returns it, to be called directly
 * with each read (no Writable queue in between: the bytes would be gone by then). Installing
 * twice returns the first one. Throws if the internals it needs are gone.
 */
export function installWireInput (wire: Wire): WireFeed {
  const installed = feeds.get(wire)
  if (installed !== undefined) return installed
  const w = wire as unknown as WireInput
  if (typeof w._write !== 'function' || typeof w._processBuffer !== 'function' || !Array.isArray(w._buffer) || typeof w._bufferSize !== 'number') {
    throw new Error('bittorrent-protocol: Wire._write/_processBuffer/_buffer not found, the wire input cannot be installed')
  }
  let carry: Buffer | undefined
  const inCarry = (): boolean => carry !== undefined && w._buffer.length === 1 && w._buffer[0]!.buffer === carry.buffer
  const plain = (): boolean => w._cryptoSyncPattern === null && !w._pePending && (w._encryptor == null || w._encryptor.cryptoHandshakeDone)

  /** Hands one whole message to the wire's parser; `owned` when nothing else will overwrite it. */
  const deliver = (msg: Uint8Array, owned: boolean): void => {
    const parser = w._parser!
    const view = owned || parser === w._onMessageLength || (parser === w._onMessage && READ_ONLY.has(msg[0]!))
    w._parser!(view ? msg : Buffer.from(msg))
  }

  /** The start of the message being parsed stays with the wire until the rest arrives. */
  const keep = (data: Uint8Array): void => {
    const at = w._bufferSize
    if (w._parserSize <= CARRY) {
      carry ??= Buffer.allocUnsafeSlow(CARRY)
      if (at > 0 && !inCarry()) {
        let o = 0
        for (const b of w._buffer) { carry.set(b, o); o += b.length }
      }
      carry.set(data, at)
      w._buffer = [carry.subarray(0, at + data.length)]
    } else {
      if (inCarry()) w._buffer = [Buffer.from(w._buffer[0]!)]
      w._buffer.push(Buffer.from(data))
    }
    w._bufferSize = at + data.length
  }

  /** The wire's own path (crypto handshake, resynchronisation), on a copy of everything pending. */
  const fallback = (data: Uint8Array): void => {
    const size = w._bufferSize + data.length
    w._buffer = size > 0 ? [Buffer.concat([...w._buffer, data], size)] : []
    w._bufferSize = size
    if (size > 0) w._processBuffer()
  }

  const feed: WireFeed = (bytes) => {
    if (w._finished || w.destroying) return
    let data = w._encryptor != null ? w._encryptor.decrypt(bytes) : bytes
    if (!plain()) { fallback(data); return }
    if (w._bufferSize > 0) {
      // a message begun in earlier reads: complete it with just the bytes it still lacks
      const need = w._parserSize - w._bufferSize
      if (need <= 0) { fallback(data); return }
      if (data.length < need) { keep(data); return }
      const fromCarry = inCarry()
      let msg: Uint8Array
      if (fromCarry) {
        carry!.set(data.subarray(0, need), w._bufferSize)
        msg = carry!.subarray(0, w._parserSize)
      } else {
        msg = Buffer.concat([...w._buffer, data.subarray(0, need)], w._parserSize)
      }
      w._buffer = []
      w._bufferSize = 0
      data = data.subarray(need)
      // the carry is overwritten by the next straddling message: as transient as the read
      deliver(msg, !fromCarry)
    }
    while (data.length > 0) {
      // a parser that switched the wire to its crypto states (or buffered bytes itself) hands
      // the rest to the wire's own path
      if (!plain() || w._parserSize === 0 || w._bufferSize > 0) { fallback(data); return }
      const size = w._parserSize
      if (data.length < size) { keep(data); return }
      const msg = data.subarray(0, size)
      data = data.subarray(size)
      deliver(msg, false)
    }
  }

  w._write = (chunk: Uint8Array, cb: (err: Error | null) => void): void => {
    feed(chunk)
    cb(null)
  }
  feeds.set(wire, feed)
  return feed
}
