// Hostile BitTorrent trackers on 127.0.0.1: a real HTTP server and a real UDP socket that
// answer announces the way broken or malicious trackers do (truncated bodies, endless bodies,
// bencode of the wrong types, redirect loops, garbage datagrams, silence). A magnet can name
// any tracker, so the engine has to survive all of them.
//
//   const tr = await startHostileHttpTracker(t, httpAnswers.truncated)
//   engine.getOrAddTorrent(hash, magnetLink(hash, name, [tr.url], [peerHint(seeder.port)]))
//   await waitFor(() => tr.requests.length > 0, ...)   // the case is not vacuous
//
// Both are closed in t.after, open connections and pending timers included.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createSocket, type RemoteInfo } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'

const MB = 1024 * 1024

/** What an HTTP answer may use besides req/res: timers that die with the tracker, and its own URL. */
export interface HttpAnswerContext {
  /** http://127.0.0.1:PORT/announce of this tracker */
  url: string
  /** setInterval that is cleared when the response closes or the tracker closes */
  every (ms: number, fn: () => void): void
  /** bytes of body this answer has written so far (for the oversized answers) */
  written: number
  /** the answer wrote everything it meant to (an oversized one was read to its end) */
  completed: boolean
}

export type HttpAnswer = (req: IncomingMessage, res: ServerResponse, ctx: HttpAnswerContext) => void

export interface HostileHttpTracker {
  /** http://127.0.0.1:PORT/announce */
  url: string
  /** path and query of every request received */
  requests: string[]
  /** responses finished or abandoned (the response's 'close': ended, or its socket closed) */
  closed: number
  /** one context per request, in order (bytes written, completed) */
  answers: HttpAnswerContext[]
  close (): Promise<void>
}

export async function startHostileHttpTracker (t: TestContext, answer: HttpAnswer): Promise<HostileHttpTracker> {
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer()
  const tracker: HostileHttpTracker = {
    url: '',
    requests: [],
    closed: 0,
    answers: [],
    close: async () => {
      for (const timer of timers) clearInterval(timer)
      timers.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    tracker.requests.push(req.url ?? '')
    const own = new Set<NodeJS.Timeout>()
    const ctx: HttpAnswerContext = {
      url: tracker.url,
      every (ms, fn) {
        const timer = setInterval(fn, ms)
        own.add(timer)
        timers.add(timer)
      },
      written: 0,
      completed: false
    }
    tracker.answers.push(ctx)
    res.on('close', () => {
      tracker.closed++
      for (const timer of own) { clearInterval(timer); timers.delete(timer) }
    })
    answer(req, res, ctx)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  tracker.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/announce`
  t.after(async () => { await tracker.close() })
  return tracker
}

/** Writes `total` bytes of filler as fast as the reader takes them, stopping when the socket goes. */
function stream (res: ServerResponse, ctx: HttpAnswerContext, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  const pump = (): void => {
    while (ctx.written < total && !res.destroyed) {
      const n = Math.min(chunk.length, total - ctx.written)
      ctx.written += n
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) { res.once('drain', pump); return }
    }
    if (ctx.written >= total && !res.destroyed) { ctx.completed = true; res.end() }
  }
  pump()
}

function bencoded (res: ServerResponse, body: string | Buffer): void {
  const buf = typeof body === 'string' ? Buffer.from(body, 'latin1') : body
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': buf.length })
  res.end(buf)
}

/** The hostile HTTP answers, by name. Each keeps to one way of being broken. */
export const httpAnswers = {
  /** 200 with Content-Length 1000, 17 bytes of a valid start, then the socket is closed */
  truncated: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1000 })
    res.write('d8:intervali60e5:', () => res.socket?.destroy())
  },
  /** declares 50 MB and sends them as fast as they are read */
  oversizedDeclared: (_req, res, ctx) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 50 * MB })
    stream(res, ctx, 50 * MB)
  },
  /** 50 MB chunked, no length declared */
  oversizedChunked: (_req, res, ctx) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    stream(res, ctx, 50 * MB)
  },
  /** headers, then one byte of a 64-byte body a second */
  slowDrip: (_req, res, ctx) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 64 })
    res.flushHeaders()
    ctx.every(1000, () => { if (!res.destroyed) res.write('d') })
  },
  /** reads the request and never answers */
  silent: () => {},
  /** a dictionary cut off inside a key, as the whole body */
  malformedBencode: (_req, res) => { bencoded(res, 'd8:intervali60e5:peers6:abc') },
  peersAsNumber: (_req, res) => { bencoded(res, 'd8:intervali60e5:peersi42ee') },
  intervalAsString: (_req, res) => { bencoded(res, 'd8:interval4:soon5:peers0:e') },
  /** compact peers of 7 bytes: not a multiple of 6 */
  compactPeersOdd: (_req, res) => { bencoded(res, 'd8:intervali60e5:peers7:\x7f\x00\x00\x01\x1a\xe1\x00e') },
  failureReason: (_req, res) => { bencoded(res, 'd14:failure reason22:torrent not registerede') },
  failureReasonNumber: (_req, res) => { bencoded(res, 'd14:failure reasoni7ee') },
  infoHashNumber: (_req, res) => { bencoded(res, 'd8:intervali60e9:info_hashi1e5:peers0:e') },
  /** -1 s: Node runs a timer of a negative delay every 1 ms */
  intervalNegative: (_req, res) => { bencoded(res, 'd8:intervali-1e5:peers0:e') },
  /** ~317 years: beyond Node's 32-bit timer range, which also turns into 1 ms */
  intervalHuge: (_req, res) => { bencoded(res, 'd8:intervali10000000000e5:peers0:e') },
  /** 302 to itself, forever */
  redirectLoop: (req, res, ctx) => {
    res.writeHead(302, { location: new URL(req.url ?? '/', ctx.url).href, 'content-length': 0 })
    res.end()
  },
  /** valid-looking gzip header followed by garbage, Content-Encoding: gzip */
  gzipGarbage: (_req, res) => {
    const body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]), randomBytes(200)])
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': body.length })
    res.end(body)
  }
} satisfies Record<string, HttpAnswer>

/** 302 to `target` (another tracker at another origin), keeping the query. */
export function redirectTo (target: string): HttpAnswer {
  return (req, res) => {
    const query = (req.url ?? '').split('?')[1] ?? ''
    res.writeHead(302, { location: `${target}?${query}`, 'content-length': 0 })
    res.end()
  }
}

// ---- UDP (BEP 15) ----

export type UdpAnswer = (msg: Buffer, reply: (buf: Buffer) => void) => void

export interface HostileUdpTracker {
  /** udp://127.0.0.1:PORT */
  url: string
  /** datagrams received */
  packets: number
  /** datagrams received that were announce requests (action 1) */
  announces: number
  close (): Promise<void>
}

export async function startHostileUdpTracker (t: TestContext, answer: UdpAnswer): Promise<HostileUdpTracker> {
  const socket = createSocket('udp4')
  let closed = false
  const tracker: HostileUdpTracker = {
    url: '',
    packets: 0,
    announces: 0,
    close: async () => {
      if (closed) return
      closed = true
      await new Promise<void>((resolve) => socket.close(() => resolve()))
    }
  }
  socket.on('message', (msg: Buffer, from: RemoteInfo) => {
    tracker.packets++
    if (msg.length >= 16 && msg.readUInt32BE(8) === 1) tracker.announces++
    answer(msg, (buf) => { if (!closed) socket.send(buf, from.port, from.address) })
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => resolve())
  })
  tracker.url = `udp://127.0.0.1:${socket.address().port}`
  t.after(async () => { await tracker.close() })
  return tracker
}

const CONNECT = 0
const ANNOUNCE = 1

/** A well-formed connect reply for a connect request (action 0), else null. */
function connectReply (msg: Buffer): Buffer | null {
  if (msg.length !== 16 || msg.readUInt32BE(8) !== CONNECT) return null
  const r = Buffer.alloc(16)
  r.writeUInt32BE(CONNECT, 0)
  msg.copy(r, 4, 12, 16) // transaction id
  r.writeUInt32BE(0x01020304, 8) // connection id
  r.writeUInt32BE(0x05060708, 12)
  return r
}

/** An announce reply (action 1) with this interval in seconds and no peers. */
function announceReply (msg: Buffer, intervalS: number): Buffer {
  const r = Buffer.alloc(20)
  r.writeUInt32BE(ANNOUNCE, 0)
  msg.copy(r, 4, 12, 16)
  r.writeUInt32BE(intervalS, 8)
  return r
}

/** The hostile UDP answers, by name. */
export const udpAnswers = {
  /** random bytes of random length for every datagram */
  garbage: (_msg, reply) => { reply(randomBytes(1 + Math.floor(Math.random() * 64))) },
  /** a connect reply with someone else's transaction id */
  wrongTransactionId: (msg, reply) => {
    const r = connectReply(msg)
    if (r === null) return
    r.writeUInt32BE((r.readUInt32BE(4) ^ 0xffffffff) >>> 0, 4)
    reply(r)
  },
  silent: () => {},
  /** a proper connect, then an announce reply cut to 12 bytes */
  shortAnnounce: (msg, reply) => {
    const r = connectReply(msg)
    if (r !== null) { reply(r); return }
    reply(announceReply(msg, 60).subarray(0, 12))
  },
  /** a proper connect, then interval 2^32-1 s: beyond Node's timer range, i.e. every 1 ms */
  intervalHuge: (msg, reply) => {
    const r = connectReply(msg)
    if (r !== null) { reply(r); return }
    reply(announceReply(msg, 0xffffffff))
  }
} satisfies Record<string, UdpAnswer>
