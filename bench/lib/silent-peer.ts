// A peer that accepts requests and never answers them: it completes the handshake, says it has
// every piece, unchokes, keeps the connection alive, and swallows whatever it is sent. The
// worst kind of peer for a streaming read: it looks like a perfect seeder on a 0 ms loopback.
import { randomBytes } from 'node:crypto'
import { createServer, type Socket } from 'node:net'

export interface SilentPeer { port: number, readonly requests: number, close (): Promise<void> }

export async function startSilentPeer (infoHash: string, pieceCount: number): Promise<SilentPeer> {
  const sockets = new Set<Socket>()
  let requests = 0
  const bitfield = Buffer.alloc(Math.ceil(pieceCount / 8))
  for (let i = 0; i < pieceCount; i++) bitfield[i >> 3]! |= 0x80 >> (i & 7)
  const frame = (id: number, payload: Buffer = Buffer.alloc(0)): Buffer => {
    const b = Buffer.alloc(5 + payload.length)
    b.writeUInt32BE(1 + payload.length, 0)
    b[4] = id
    payload.copy(b, 5)
    return b
  }
  const server = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
    let buf = Buffer.alloc(0)
    let shook = false
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      if (!shook) {
        if (buf.length < 68) return
        shook = true
        const reserved = Buffer.alloc(8) // no extension protocol: nothing to answer but pieces
        s.write(Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), reserved, Buffer.from(infoHash, 'hex'), randomBytes(20)]))
        s.write(frame(5, bitfield))
        s.write(frame(1)) // unchoke
        buf = buf.subarray(68)
      }
      // count requests (id 6), answer none
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0)
        if (buf.length < 4 + len) break
        if (len > 0 && buf[4] === 6) requests++
        buf = buf.subarray(4 + len)
      }
    })
    // keep-alives every 30 s: it looks alive to anyone who only watches the socket
    const timer = setInterval(() => { s.write(Buffer.alloc(4)) }, 30_000)
    s.on('close', () => { clearInterval(timer) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { resolve() }))
  return {
    port: (server.address() as { port: number }).port,
    get requests () { return requests },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}
