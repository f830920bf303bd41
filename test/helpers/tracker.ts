// A local BitTorrent tracker (npm bittorrent-tracker Server) on 127.0.0.1: HTTP and UDP,
// no WebSocket, a short announce interval so peers that come back are found quickly.
import type { TestContext } from 'node:test'
import type { AddressInfo } from 'node:net'
import { importUntyped } from './untyped.ts'

interface TrackerServer {
  http: { address (): AddressInfo | null } | null
  udp4: { address (): AddressInfo } | null
  torrents: Record<string, { peers: { keys: string[], peek (k: string): any } } | undefined>
  listen (port: object, hostname: object, cb?: () => void): void
  close (cb?: () => void): void
  on (ev: string, fn: (...a: any[]) => void): void
  once (ev: string, fn: (...a: any[]) => void): void
}

export interface Tracker {
  /** http://127.0.0.1:PORT/announce */
  httpUrl: string
  /** udp://127.0.0.1:PORT */
  udpUrl: string
  /** announces received so far (http + udp) */
  announces: number
  /** every announce: event, peer id (hex), "ip:port", time */
  log: Array<{ event: string, peerId: string, addr: string, at: number }>
  /** announces from peers whose id starts with `prefix` (text, e.g. '-MM' for momoshtrem) since `since` (ms epoch) */
  announcesFrom (prefix: string, since?: number): number
  /** peers the tracker currently lists for a hash, as "ip:port" */
  peers (infoHash: string): string[]
  close (): Promise<void>
}

export async function startTracker (t: TestContext | null, opts: { intervalMs?: number } = {}): Promise<Tracker> {
  const { Server } = await importUntyped<{ Server: new (opts: object) => TrackerServer }>('bittorrent-tracker')
  const server = new Server({ http: true, udp: true, ws: false, stats: false, interval: opts.intervalMs ?? 2000 })
  const errors: Error[] = []
  server.on('error', (err: Error) => { errors.push(err) })
  server.on('warning', () => {})
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracker did not listen within 5 s ${errors.map(String).join('; ')}`)), 5000)
    server.once('listening', () => { clearTimeout(timer); resolve() })
    server.once('error', (err: Error) => { clearTimeout(timer); reject(err) })
    server.listen({ http: 0, udp: 0 }, { http: '127.0.0.1', udp: '127.0.0.1', udp6: '::1' })
  })
  let closed = false
  const tracker: Tracker = {
    httpUrl: `http://127.0.0.1:${server.http!.address()!.port}/announce`,
    udpUrl: `udp://127.0.0.1:${server.udp4!.address().port}`,
    announces: 0,
    log: [],
    announcesFrom (prefix, since = 0) {
      const hex = Buffer.from(prefix, 'latin1').toString('hex')
      return tracker.log.filter((e) => e.peerId.startsWith(hex) && e.at >= since).length
    },
    peers (infoHash) {
      const swarm = server.torrents[infoHash]
      if (swarm === undefined) return []
      return swarm.peers.keys.map((k) => { const p = swarm.peers.peek(k); return p === undefined ? k : `${p.ip}:${p.port}` })
    },
    async close () {
      if (closed) return
      closed = true
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000)
        server.close(() => { clearTimeout(timer); resolve() })
      })
    }
  }
  for (const event of ['start', 'update', 'complete', 'stop']) {
    server.on(event, (addr: string, params: { peer_id?: string }) => {
      if (event !== 'stop') tracker.announces++
      tracker.log.push({ event, peerId: String(params?.peer_id ?? ''), addr: String(addr), at: Date.now() })
    })
  }
  t?.after(async () => { await tracker.close() })
  return tracker
}
