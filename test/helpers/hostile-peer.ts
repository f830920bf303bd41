// A scripted BitTorrent peer speaking raw bytes over TCP on 127.0.0.1, for the peer-wire fuzz
// tests: it sends exactly what a test writes (malformed messages included) and records what the
// engine sends back, so a test can see whether the engine answered, and whether (and when) it
// closed the connection.
//
//   const h = await HostilePeer.connect(t, enginePort)          // we connect in
//   const l = await HostileListener.start(t); ... await l.accepted(10_000)   // the engine dials us
//   h.send(handshake(infoHash, { extended: true }), extendedHandshake({ m: { ut_metadata: 3 } }))
//   await h.waitClosed(10_000, 'dropped after a bad bitfield')
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import { withTimeout } from './wait.ts'

// ---- bencode (BEP 3), just enough to script extension messages and read the engine's ----

export type BValue = number | string | Uint8Array | BValue[] | { [key: string]: BValue }

export function bencode (v: BValue): Buffer {
  if (typeof v === 'number') return Buffer.from(`i${Math.trunc(v)}e`)
  if (typeof v === 'string') v = Buffer.from(v)
  if (v instanceof Uint8Array) return Buffer.concat([Buffer.from(`${v.length}:`), v])
  if (Array.isArray(v)) return Buffer.concat([Buffer.from('l'), ...v.map(bencode), Buffer.from('e')])
  const keys = Object.keys(v).sort()
  return Buffer.concat([Buffer.from('d'), ...keys.flatMap((k) => [bencode(k), bencode(v[k]!)]), Buffer.from('e')])
}

/** Decodes one value at the start of `buf`; `end` is where it stopped (ut_metadata data follows its dict). */
export function bdecode (buf: Buffer, at = 0): { value: BValue, end: number } {
  const c = String.fromCharCode(buf[at]!)
  if (c === 'i') {
    const e = buf.indexOf(0x65, at)
    return { value: Number(buf.subarray(at + 1, e).toString()), end: e + 1 }
  }
  if (c === 'l' || c === 'd') {
    const items: BValue[] = []
    let p = at + 1
    while (buf[p] !== 0x65) {
      if (p >= buf.length) throw new Error('bencode: unterminated list/dict')
      const r = bdecode(buf, p)
      items.push(r.value)
      p = r.end
    }
    if (c === 'l') return { value: items, end: p + 1 }
    const dict: Record<string, BValue> = {}
    for (let i = 0; i + 1 < items.length; i += 2) dict[Buffer.from(items[i] as Uint8Array).toString()] = items[i + 1]!
    return { value: dict, end: p + 1 }
  }
  const colon = buf.indexOf(0x3a, at)
  if (colon < 0) throw new Error('bencode: bad string')
  const len = Number(buf.subarray(at, colon).toString())
  return { value: buf.subarray(colon + 1, colon + 1 + len), end: colon + 1 + len }
}

// ---- message builders (BEP 3, BEP 10) ----

export function handshake (infoHash: string, opts: { extended?: boolean, peerId?: Buffer } = {}): Buffer {
  const reserved = Buffer.alloc(8)
  if (opts.extended !== false) reserved[5] = 0x10
  return Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), reserved, Buffer.from(infoHash, 'hex'), opts.peerId ?? randomBytes(20)])
}

/** A length-prefixed message: `id` followed by `payload` (the prefix is the true length). */
export function message (id: number, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([id]), ...payload])
  return Buffer.concat([u32(body.length), body])
}

export function u32 (n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0)
  return b
}

export function extended (extId: number, payload: Buffer): Buffer {
  return message(20, Buffer.from([extId]), payload)
}

export function extendedHandshake (dict: Record<string, BValue>): Buffer {
  return extended(0, bencode(dict))
}

/** One message the engine sent after its handshake (keep-alives are counted, not stored). */
export interface Frame { id: number, payload: Buffer }

/** The engine's side of one TCP connection, seen from the scripted peer. */
export class HostilePeer {
  /** the engine's 68-byte handshake, once it arrived */
  remoteHandshake: Buffer | null = null
  readonly frames: Frame[] = []
  keepAlives = 0
  /** called for each message the engine sends, as it arrives: a script answering requests */
  onFrame: (f: Frame) => void = () => {}
  closed = false
  closedAt = 0
  private buf = Buffer.alloc(0)
  private readonly closedPromise: Promise<void>
  private readonly changed = new Set<() => void>()

  constructor (readonly socket: net.Socket) {
    // one TCP segment per write: a drip test must really arrive a byte at a time
    socket.setNoDelay(true)
    socket.on('error', () => {})
    socket.on('data', (d: Buffer) => { this.onData(d) })
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => { this.closed = true; this.closedAt = Date.now(); this.notify(); resolve() })
    })
  }

  /** Connects to 127.0.0.1:`port`; destroyed in t.after. */
  static async connect (t: TestContext, port: number): Promise<HostilePeer> {
    const socket = net.connect({ host: '127.0.0.1', port })
    const peer = new HostilePeer(socket)
    t.after(() => { socket.destroy() })
    await withTimeout(new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    }), 10_000, `TCP connect to 127.0.0.1:${port}`)
    return peer
  }

  /** Writes the buffers in order and resolves once the kernel took them (or the socket closed). */
  async send (...bufs: Buffer[]): Promise<void> {
    for (const b of bufs) await this.write(b)
  }

  /** Writes `buf` one byte per TCP segment, each after the previous one was flushed. */
  async drip (buf: Buffer): Promise<void> {
    for (let i = 0; i < buf.length && !this.closed; i++) await this.write(buf.subarray(i, i + 1))
  }

  private async write (b: Buffer): Promise<void> {
    if (this.closed || this.socket.destroyed) return
    await new Promise<void>((resolve) => { this.socket.write(b, () => { resolve() }) })
  }

  /** Resolves when the engine closed the connection, within `ms`. */
  async waitClosed (ms: number, what: string): Promise<void> {
    await withTimeout(this.closedPromise, ms, what)
  }

  /** Waits until `pred` holds over what the engine sent (re-checked on every frame and on close). */
  async waitUntil (pred: (p: HostilePeer) => boolean, ms: number, what: string): Promise<void> {
    if (pred(this)) return
    let check!: () => void
    const p = new Promise<void>((resolve, reject) => {
      check = () => {
        if (pred(this)) resolve()
        else if (this.closed) reject(new Error(`connection closed while waiting for ${what}`))
      }
      this.changed.add(check)
    })
    try { await withTimeout(p, ms, what) } finally { this.changed.delete(check) }
  }

  /** The engine's extended handshake (BEP 10), once received. */
  engineExtendedHandshake (): Record<string, BValue> | undefined {
    const f = this.frames.find((x) => x.id === 20 && x.payload[0] === 0)
    return f === undefined ? undefined : bdecode(f.payload.subarray(1)).value as Record<string, BValue>
  }

  /** The id the engine assigned to extension `name` in its extended handshake. */
  engineExtId (name: string): number | undefined {
    const m = this.engineExtendedHandshake()?.m as Record<string, BValue> | undefined
    const id = m?.[name]
    return typeof id === 'number' ? id : undefined
  }

  /** Extension messages the engine sent under the id the peer gave `ourId` in its own handshake. */
  extendedFrames (ourId: number): Buffer[] {
    return this.frames.filter((f) => f.id === 20 && f.payload[0] === ourId).map((f) => f.payload.subarray(1))
  }

  destroy (): void { this.socket.destroy() }

  private onData (d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d])
    if (this.remoteHandshake === null) {
      if (this.buf.length < 68) return
      this.remoteHandshake = this.buf.subarray(0, 68)
      this.buf = this.buf.subarray(68)
    }
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0)
      if (this.buf.length < 4 + len) break
      if (len === 0) this.keepAlives++
      else {
        const f = { id: this.buf[4]!, payload: this.buf.subarray(5, 4 + len) }
        this.frames.push(f)
        this.onFrame(f)
      }
      this.buf = this.buf.subarray(4 + len)
    }
    this.notify()
  }

  private notify (): void { for (const c of [...this.changed]) c() }
}

/** A listening scripted peer, for the engine to dial (an x.pe hint in a magnet). */
export class HostileListener {
  private readonly queue: HostilePeer[] = []
  private readonly waiting: Array<(p: HostilePeer) => void> = []
  readonly accepted: HostilePeer[] = []

  private constructor (readonly server: net.Server, readonly port: number) {}

  /** Listens on 127.0.0.1 (any port); closed in t.after. `onPeer` scripts each connection as it arrives. */
  static async start (t: TestContext, onPeer: (p: HostilePeer) => void = () => {}): Promise<HostileListener> {
    let listener!: HostileListener
    const sockets = new Set<net.Socket>()
    const server = net.createServer((socket) => {
      sockets.add(socket)
      const peer = new HostilePeer(socket)
      listener.accepted.push(peer)
      onPeer(peer)
      const w = listener.waiting.shift()
      if (w !== undefined) w(peer)
      else listener.queue.push(peer)
    })
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
    listener = new HostileListener(server, (server.address() as net.AddressInfo).port)
    t.after(async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    })
    return listener
  }

  /** The next connection the engine makes to us, within `ms`. */
  async next (ms: number, what = 'the engine to dial the hostile peer'): Promise<HostilePeer> {
    const q = this.queue.shift()
    if (q !== undefined) return q
    return await withTimeout(new Promise<HostilePeer>((resolve) => { this.waiting.push(resolve) }), ms, what)
  }
}

/**
 * ut_pex (node_modules/ut_pex) sends its message from `setInterval(_sendMessage, 65000)` once
 * started on a wire. Tests cannot wait 65 s per round, so this runs exactly that interval every
 * `ms` instead: the same timer, the same callback, the same code path, only sooner. Restored in
 * t.after. Returns how many times such a timer fired so far.
 */
export function fastPexInterval (t: TestContext, ms = 100): () => number {
  const PEX_INTERVAL = 65_000
  const original = globalThis.setInterval
  let fired = 0
  const patched = ((fn: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    if (delay !== PEX_INTERVAL) return original(fn, delay, ...args)
    return original((...a: unknown[]) => { fired++; fn(...a) }, ms, ...args)
  }) as typeof setInterval
  globalThis.setInterval = patched
  t.after(() => { globalThis.setInterval = original })
  return () => fired
}


/**
 * Records every uncaught exception and unhandled rejection while the test runs, so that a
 * crash the engine would take (a throw from a timer or a socket handler) is an assertion of
 * the test instead of only a runner failure. Listeners removed in t.after.
 */
export function trapCrashes (t: TestContext): unknown[] {
  const crashes: unknown[] = []
  const onError = (err: unknown): void => { crashes.push(err) }
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  t.after(() => {
    process.off('uncaughtException', onError)
    process.off('unhandledRejection', onError)
  })
  return crashes
}

/** The crashes as text for an assertion message. */
export function describeCrashes (crashes: unknown[]): string {
  return crashes.map((e) => (e instanceof Error ? e.stack ?? e.message : String(e))).join('\n---\n')
}
