// What a TCP connection we dial reads goes into one buffer shared by every such connection
// (net.connect's onread), parsed by its wire before the next read overwrites it. The default
// path gave each read a new 64 KiB ArrayBuffer: external memory that drove V8's major
// collections (concurrent marking was about a seventh of the engine's CPU in a sequential
// read) and fresh pages to fault in. One buffer serves all sockets because a read's callback
// runs to its end before libuv reads the next socket; the wire copies whatever must outlive
// the callback (wire-input.ts). Incoming and uTP connections keep the piped path: Node's TCP
// server has no onread option, and uTP is a fallback.
import { Buffer } from 'node:buffer'
import type { Duplex } from 'node:stream'
import type Wire from 'bittorrent-protocol'
import { installWireInput, type WireFeed } from './wire-input.ts'

/** as large as Node's own reads: one system call takes what a fast peer sent in a turn */
const READ_BYTES = 64 * 1024
const shared = Buffer.allocUnsafeSlow(READ_BYTES)

export class SocketInput {
  private feed: WireFeed | null = null
  private socket: Duplex | null = null
  /** bytes read before a wire was attached (none expected: we speak first), copied */
  private early: Buffer[] = []
  /** for net.connect({ onread }) */
  readonly onread = {
    buffer: shared,
    callback: (n: number, buf: Uint8Array): boolean => {
      const bytes = buf.subarray(0, n)
      if (this.feed === null) { this.early.push(Buffer.from(bytes)); return true }
      try {
        this.feed(bytes)
      } catch (err) {
        // a parser that throws must not escape from the socket's read (it would end the process)
        this.socket?.destroy(err as Error)
      }
      return true
    }
  }

  /** From now on the socket's bytes are parsed by `wire`, and its end ends the wire (as pipe did). */
  attach (wire: Wire, socket: Duplex): void {
    this.socket = socket
    const feed = installWireInput(wire)
    const early = this.early
    this.early = []
    this.feed = feed
    for (const b of early) this.onread.callback(b.length, b)
    socket.once('end', () => { wire.end() })
  }
}
