// A wire fed from one reused read buffer (socket-input.ts, wire-input.ts): the buffer is
// overwritten after every read, so anything the wire parses must be complete and byte-exact
// however the reads cut the stream, and nothing the wire keeps may point into the buffer.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import net from 'node:net'
import Wire from 'bittorrent-protocol'
import utMetadata from 'ut_metadata'
import { installWireInput } from '../../src/torrent/wire-input.ts'
import { SocketInput } from '../../src/torrent/socket-input.ts'

const BLOCK = 16 * 1024
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
const message = (id: number, body: Uint8Array = Buffer.alloc(0)): Buffer => Buffer.concat([u32(body.length + 1), Buffer.from([id]), body])
type Bencodable = number | string | Uint8Array | { [key: string]: Bencodable }
/** BEP 3 encoding (keys sorted), enough for the messages below */
function bencode (v: Bencodable): Buffer {
  if (typeof v === 'number') return Buffer.from(`i${v}e`)
  if (typeof v === 'string' || v instanceof Uint8Array) { const b = Buffer.from(v); return Buffer.concat([Buffer.from(`${b.length}:`), b]) }
  return Buffer.concat([Buffer.from('d'), ...Object.keys(v).sort().flatMap((k) => [bencode(k), bencode(v[k]!)]), Buffer.from('e')])
}

/** deterministic bytes (xorshift) */
function prng (seed: number): () => number {
  let x = seed | 1
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32 }
}
function bytes (n: number, seed: number): Buffer {
  const r = prng(seed)
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256)
  return b
}

/** What a peer sends: every kind of message the wire keeps or reads, then blocks. */
function peerStream (seed: number): { stream: Buffer, info: Buffer, client: string, peerId: Buffer, blocks: Buffer[], prefix: number } {
  const info = bencode({ length: 5 * BLOCK, name: `file-${seed}`, 'piece length': 5 * BLOCK, pieces: bytes(20, seed + 1) })
  const infoHash = createHash('sha1').update(info).digest('hex')
  const peerId = Buffer.concat([Buffer.from('-XX0001-'), bytes(12, seed + 2)])
  const reserved = Buffer.alloc(8)
  reserved[5] = 0x10 // BEP 10
  const handshake = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), reserved, Buffer.from(infoHash, 'hex'), peerId])
  const ext = bencode({ m: { ut_metadata: 3 }, metadata_size: info.length, v: `client ${seed}`, reqq: 250 })
  const metadataPiece = Buffer.concat([bencode({ msg_type: 1, piece: 0, total_size: info.length }), info])
  const small = Buffer.concat([
    handshake,
    message(20, Buffer.concat([Buffer.from([0]), ext])),
    message(5, Buffer.from([0b10100000, 0x00, 0b00010000])),
    message(4, u32(17)),
    u32(0), // keep-alive
    message(1),
    // ut_metadata is the first extension we use: our id for it is 1
    message(20, Buffer.concat([Buffer.from([1]), metadataPiece])),
    message(99, bytes(5, seed + 3))
  ])
  const blocks = [0, 1, 2, 3, 4].map((i) => bytes(BLOCK, seed * 10 + i))
  const pieces = blocks.map((b, i) => message(7, Buffer.concat([u32(0), u32(i * BLOCK), b])))
  const stream = Buffer.concat([small, pieces[0]!, pieces[1]!, message(4, u32(21)), ...pieces.slice(2)])
  return { stream, info, client: `client ${seed}`, peerId, blocks, prefix: small.length + 13 }
}

interface Seen { blocks: Map<number, string>, metadata: Promise<Buffer>, unchoked: number, extended: Uint8Array[], unknown: Uint8Array[] }

/** A wire as the engine builds it (ut_metadata fetching), recording what it was handed. */
function newWire (): { wire: Wire, seen: Seen } {
  const wire = new Wire('tcpOutgoing', 0)
  wire.use(utMetadata())
  wire.ut_metadata.fetch()
  // ut_metadata hashes the assembled metadata asynchronously (WebCrypto)
  const metadata = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('no metadata')) }, 5000)
    wire.ut_metadata.once('metadata', (buf: Uint8Array) => { clearTimeout(timer); resolve(Buffer.from(buf)) })
  })
  metadata.catch(() => {})
  const seen: Seen = { blocks: new Map(), metadata, unchoked: 0, extended: [], unknown: [] }
  wire.on('unchoke', () => { seen.unchoked++ })
  wire.ut_metadata.on('warning', () => {})
  // a block is copied into its piece while the event runs (Scheduler.onBlock): so is this check
  wire.on('piece', (_index: number, offset: number, data: Uint8Array) => { seen.blocks.set(offset, createHash('sha1').update(data).digest('hex')) })
  // these keep what they were given, as the wire and its extensions may
  wire.on('extended', (ext: string, buf: unknown) => { if (ext !== 'handshake') seen.extended.push(buf as Uint8Array) })
  wire.on('unknownmessage', (buf: Uint8Array) => { seen.unknown.push(buf) })
  wire.on('error', () => {})
  return { wire, seen }
}

async function check (wire: Wire, seen: Seen, p: ReturnType<typeof peerStream>, label: string): Promise<void> {
  assert.equal(wire.peerId, p.peerId.toString('hex'), label)
  assert.deepEqual(Buffer.from(wire.peerIdBuffer), p.peerId, `${label}: the peer id the wire kept`)
  const hs = wire.peerExtendedHandshake as { v?: Uint8Array, reqq?: number }
  assert.equal(Buffer.from(hs.v ?? []).toString(), p.client, `${label}: the extended handshake as kept`)
  assert.equal(hs.reqq, 250, label)
  const have = [0, 2, 17, 19, 21]
  for (let i = 0; i < 24; i++) assert.equal(wire.peerPieces.get(i), have.includes(i), `${label}: piece ${i} in the bitfield and haves`)
  assert.equal(seen.unchoked, 1, label)
  // ut_metadata hands out { info } re-encoded: the info dictionary as sent
  assert.deepEqual(await seen.metadata, Buffer.concat([Buffer.from('d4:info'), p.info, Buffer.from('e')]), `${label}: metadata`)
  assert.equal(seen.extended.length, 1, label)
  assert.deepEqual(Buffer.from(seen.extended[0]!).subarray(-p.info.length), p.info, `${label}: the extended message as kept`)
  assert.equal(seen.unknown.length, 1, label)
  assert.equal(seen.unknown[0]!.length, 6, label)
  assert.deepEqual([...p.blocks.keys()].map((i) => seen.blocks.get(i * BLOCK)), p.blocks.map((b) => createHash('sha1').update(b).digest('hex')), `${label}: blocks`)
}

/** Feeds `stream` in reads of the given sizes through one buffer, scribbled over after each. */
function feedReads (feed: (b: Uint8Array) => void, stream: Buffer, sizes: Iterable<number>): void {
  const buf = Buffer.alloc(64 * 1024)
  let at = 0
  let n = 0
  for (const size of sizes) {
    if (at >= stream.length) break
    const len = Math.min(size, stream.length - at, buf.length)
    stream.copy(buf, 0, at, at + len)
    feed(buf.subarray(0, len))
    buf.fill(++n & 0xff)
    at += len
  }
  assert.equal(at, stream.length)
}

/**
 * `input`'s onread, with the shared buffer scribbled over after each read: whatever the next
 * read (of any socket) would overwrite is overwritten at once.
 */
function scribbled (input: SocketInput): SocketInput['onread'] {
  let n = 0
  return {
    buffer: input.onread.buffer,
    callback: (bytes, buf) => { const more = input.onread.callback(bytes, buf); buf.fill(++n & 0xff); return more }
  }
}

function * reads (first: number[], then: () => number): Generator<number> {
  yield * first
  for (;;) yield then()
}

test('wire input from one reused buffer: every message parsed byte-exact with reads cut at every position', async () => {
  const p = peerStream(7)
  const runs: Array<[string, Iterable<number>]> = []
  // one cut at each position of the handshake, the messages the wire keeps and a PIECE header
  for (let c = 1; c <= p.prefix; c++) runs.push([`cut at ${c}`, reads([c], () => 65536)])
  // reads of k bytes throughout: every message straddles reads, many times over
  for (const k of [1, 2, 3, 5, 7, 13, 17, 64, 1000, 4093, BLOCK + 12, BLOCK + 13, BLOCK + 14]) runs.push([`reads of ${k}`, reads([], () => k)])
  // random read sizes, as a socket delivers them
  for (let s = 1; s <= 40; s++) { const r = prng(s); runs.push([`random reads ${s}`, reads([], () => 1 + Math.floor(r() * 40000))]) }
  for (const [label, sizes] of runs) {
    const { wire, seen } = newWire()
    feedReads(installWireInput(wire), p.stream, sizes)
    await check(wire, seen, p, label)
    wire.destroy()
  }
})

test('socket input: two dialed connections read into the shared buffer at once, each wire parses its own stream byte-exact and ends with its socket', async (t) => {
  const streams = [peerStream(11), peerStream(12)]
  const servers = await Promise.all(streams.map(async (p) => {
    const server = net.createServer((socket) => {
      // writes of varied sizes, a turn apart: the reads of both connections interleave
      const r = prng(p.stream.length)
      let at = 0
      const next = (): void => {
        if (at >= p.stream.length) { socket.end(); return }
        const n = 1 + Math.floor(r() * 9000)
        socket.write(p.stream.subarray(at, at + n))
        at += n
        setImmediate(next)
      }
      next()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return server
  }))
  t.after(() => { for (const s of servers) s.close() })
  const results = await Promise.all(servers.map(async (server, i) => {
    const input = new SocketInput()
    const socket = net.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, onread: scribbled(input) })
    const { wire, seen } = newWire()
    input.attach(wire, socket)
    wire.pipe(socket)
    socket.on('error', () => {})
    // the peer's end ends the wire, as socket.pipe(wire) did
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`connection ${i}: no finish`)) }, 10_000)
      wire.once('finish', () => { clearTimeout(timer); resolve() })
    })
    socket.destroy()
    return { wire, seen }
  }))
  for (const [i, { wire, seen }] of results.entries()) await check(wire, seen, streams[i]!, `connection ${i}`)
})

test('socket input: an encrypted connection (MSE handshake on the wire\'s own path, then RC4) delivers blocks byte-exact', async (t) => {
  const infoHash = createHash('sha1').update('socket input rc4').digest('hex')
  const blocks = Array.from({ length: 24 }, (_, i) => bytes(BLOCK, 100 + i))
  // the seeding side as the engine runs incoming connections (PE required), its output
  // dripped in small writes a turn apart: the handshake's steps straddle the reader's reads too
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => {})
    const w = new Wire('tcpIncoming', 2)
    socket.pipe(w)
    const r = prng(5)
    const queue: Buffer[] = []
    let dripping = false
    let sent = 0
    const drip = (): void => {
      const c = queue[0]
      dripping = c !== undefined && !socket.destroyed
      if (!dripping) return
      // the handshake and the first messages a few bytes at a time, then larger writes
      const n = 1 + Math.floor(r() * (sent < 4096 ? 40 : 1500))
      sent += n
      socket.write(c!.subarray(0, n))
      if (n >= c!.length) queue.shift()
      else queue[0] = c!.subarray(n)
      setImmediate(drip)
    }
    w.on('data', (chunk: Uint8Array) => { queue.push(Buffer.from(chunk)); if (!dripping) drip() })
    w.on('error', () => {})
    w.once('crypto-infohash', () => { w.setInfoHash(infoHash) })
    w.once('handshake', () => {
      w.handshake(infoHash, Buffer.alloc(20, 7))
      w.unchoke()
    })
    w.on('request', (_index: number, offset: number, _length: number, respond: (err: Error | null, buf?: Uint8Array) => void) => { respond(null, blocks[offset / BLOCK]) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => { server.close() })
  const input = new SocketInput()
  const socket = net.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, onread: scribbled(input) })
  socket.on('error', () => {})
  t.after(() => { socket.destroy() })
  const wire = new Wire('tcpOutgoing', 2)
  input.attach(wire, socket)
  wire.pipe(socket)
  wire.on('error', () => {})
  const got = new Map<number, string>()
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${got.size} of ${blocks.length} blocks`)) }, 10_000)
    wire.on('piece', (_index: number, offset: number, data: Uint8Array) => {
      got.set(offset / BLOCK, createHash('sha1').update(data).digest('hex'))
      if (got.size === blocks.length) { clearTimeout(timer); resolve() }
    })
  })
  wire.once('crypto-handshake', () => { wire.handshake(infoHash, Buffer.alloc(20, 8)) })
  // all requests at once: blocks arrive back to back, straddling reads
  wire.once('unchoke', () => { for (const i of blocks.keys()) wire.request(0, i * BLOCK, BLOCK, () => {}) })
  wire.startEncryption(infoHash)
  await done
  assert.equal(wire._encryptionMethod, 2, 'RC4')
  assert.deepEqual([...blocks.keys()].map((i) => got.get(i)), blocks.map((b) => createHash('sha1').update(b).digest('hex')))
})
