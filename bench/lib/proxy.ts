// A byte-counting TCP proxy on 127.0.0.1 in front of each HTTP server under test, so both
// servers are measured the same way: bytes delivered to the player, and the request pattern
// (Range header, bytes sent on that request, how long it stayed open).
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface ProxiedRequest {
  t: number
  method: string
  path: string
  range: string
  /** bytes (headers included) the server sent until the next request on the socket or the close */
  bytes: number
  /** ms from the request to its last byte */
  ms: number
}

export interface CountingProxy {
  /** http://127.0.0.1:PORT */
  base: string
  /** bytes server -> client since start or the last reset */
  delivered: number
  requests: ProxiedRequest[]
  reset (): void
  close (): Promise<void>
}

export async function startProxy (targetPort: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>()
  const t0 = performance.now()
  const proxy: CountingProxy = {
    base: '',
    delivered: 0,
    requests: [],
    reset () { proxy.delivered = 0; proxy.requests = [] },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    // no Nagle: a response's small last segment would otherwise wait for the client's delayed
    // ACK (40 ms on Linux), every other request, whatever the server behind does
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    sockets.add(client)
    sockets.add(upstream)
    let current: ProxiedRequest | null = null
    let started = 0
    client.on('data', (chunk: Buffer) => {
      // players send one small GET at a time: a chunk starting with a method is a new request
      const text = chunk.toString('latin1', 0, Math.min(chunk.length, 2048))
      const m = /^(GET|HEAD|OPTIONS|PROPFIND) (\S+) HTTP/.exec(text)
      if (m !== null) {
        started = performance.now()
        current = { t: started - t0, method: m[1]!, path: m[2]!, range: /\r\nrange: *([^\r\n]*)/i.exec(text)?.[1] ?? '', bytes: 0, ms: 0 }
        proxy.requests.push(current)
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      proxy.delivered += chunk.length
      if (current !== null) { current.bytes += chunk.length; current.ms = performance.now() - started }
      // back-pressure end to end: a paced reader must slow the server down, not this proxy's memory
      if (!client.write(chunk)) { upstream.pause(); client.once('drain', () => upstream.resume()) }
    })
    const end = (): void => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream) }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', end)
    upstream.on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const addr = server.address()
  proxy.base = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`
  return proxy
}
