// Sockets: the TCP listener (and uTP when enabled), outgoing dials (TCP first, uTP only when
// TCP fails: uTP measured 7-9 MiB/s on loopback against 60-80 for TCP), the shared DHT node,
// the global connection budget, and routing of incoming connections to sessions by info hash
// (plain handshake) or by HASH('req2', infohash) (MSE/PE handshake).
import { createHash } from 'node:crypto'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import Wire from 'bittorrent-protocol'
import type { Logger } from '../logger.ts'
import type { Config } from '../config/schema.ts'
import { SocketInput } from './socket-input.ts'

export interface IncomingTarget {
  /** false while idle/paused: the connection is refused (zero bytes) */
  acceptsIncoming (): boolean
  attachIncoming (wire: Wire, socket: Duplex, remote: string): void
}

type UtpServer = import('utp-native').UtpServer

/** A connection we dialed; `input` (TCP) is how its reads reach a wire, else it is piped. */
export interface Dialed { socket: Duplex, type: string, input: SocketInput | null }

const DIAL_TIMEOUT_MS = 4000
const UTP_CLOSE_WAIT_MS = 1000
/** how long after the TCP listener uTP starts listening */
const UTP_START_DELAY_MS = 1000

/** 0 = plaintext only, 1 = MSE/PE offered with plaintext allowed, 2 = RC4 required */
export function peLevel (enc: Config['torrent']['encryption']): number {
  return enc === 'disable' ? 0 : enc === 'require' ? 2 : 1
}

export class Network {
  port = 0
  connections = 0
  dialing = 0
  dht: import('bittorrent-dht').Client | null = null
  private tcp: net.Server | null = null
  private utp: UtpServer | null = null
  /** the uTP start once begun, awaited by close() so that no listener outlives it */
  private utpStart: Promise<void> | null = null
  private utpTimer: NodeJS.Timeout | undefined
  private readonly targets = new Map<string, IncomingTarget>()
  private readonly byHashHash = new Map<string, string>()
  private readonly pending = new Set<Duplex>()
  private closed = false

  constructor (readonly cfg: Readonly<Config['torrent']>, readonly peerId: Buffer, readonly log: Logger) {}

  get pe (): number { return peLevel(this.cfg.encryption) }
  canConnect (): boolean { return !this.closed && this.connections + this.dialing < this.cfg.max_connections }

  async listen (): Promise<void> {
    if (this.cfg.tcp) {
      // no Nagle, as on outgoing dials: a 17-byte REQUEST must not wait for the peer's delayed ACK
      const tcp = net.createServer({ noDelay: true }, socket => { this.onIncoming(socket, 'tcpIncoming') })
      tcp.on('error', err => { this.log.warn({ err }, 'tcp listener error') })
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject)
        tcp.listen(this.cfg.listen_port, () => { tcp.off('error', reject); resolve() })
      })
      this.tcp = tcp
      this.port = (tcp.address() as net.AddressInfo).port
    }
    if (this.cfg.utp) {
      if (this.tcp === null) {
        await (this.utpStart = this.listenUtp())
      } else {
        // with TCP listening, uTP (a native addon: tens of ms of CPU to load) comes up a moment
        // later, off the start-up path: dials try TCP first, and an incoming uTP peer retries
        this.utpTimer = setTimeout(() => { this.utpStart = this.listenUtp() }, UTP_START_DELAY_MS)
        this.utpTimer.unref()
      }
    }
    if (this.port === 0) throw new Error('torrent: neither TCP nor uTP could listen (torrent.tcp / torrent.utp)')
    if (this.cfg.dht) {
      const { Client } = await import('bittorrent-dht')
      const opts = this.cfg.dht_bootstrap.length > 0 ? { bootstrap: this.cfg.dht_bootstrap } : {}
      const dht = new Client(opts)
      dht.on('error', (err: Error) => { this.log.warn({ err }, 'dht error') })
      dht.on('warning', (err: Error) => { this.log.debug({ err }, 'dht warning') })
      // uTP owns UDP <port>; the DHT node takes its own UDP port (announces carry the TCP port)
      dht.listen(this.cfg.utp ? 0 : this.port)
      this.dht = dht
    }
    this.log.info({ port: this.port, utp: this.cfg.utp, dht: this.dht !== null, encryption: this.cfg.encryption }, 'torrent network listening')
  }

  /** Listens for uTP on the TCP port (or the configured one); a failure only logs: TCP carries on. */
  private async listenUtp (): Promise<void> {
    try {
      const utp = (await import('utp-native')).default
      if (this.closed) return
      const server = utp.createServer(socket => { this.onIncoming(socket, 'utpIncoming') })
      server.on('error', (err: Error) => { this.log.warn({ err }, 'utp listener error') })
      await new Promise<void>((resolve) => { server.listen(this.tcp !== null ? this.port : this.cfg.listen_port, undefined, resolve) })
      this.utp = server
      if (this.tcp === null) this.port = server.address().port
      this.log.debug({ port: server.address().port }, 'uTP listening')
    } catch (err) {
      this.log.warn({ err }, 'uTP unavailable')
    }
  }

  register (infoHash: string, target: IncomingTarget): void {
    this.targets.set(infoHash, target)
    const hh = createHash('sha1').update(Buffer.from('req2')).update(Buffer.from(infoHash, 'hex')).digest('hex')
    this.byHashHash.set(hh, infoHash)
  }

  unregister (infoHash: string): void {
    this.targets.delete(infoHash)
    for (const [hh, h] of this.byHashHash) if (h === infoHash) this.byHashHash.delete(hh)
  }

  /** Counts a socket against max_connections until it closes. */
  track (socket: Duplex): void {
    this.connections++
    let done = false
    const release = (): void => { if (!done) { done = true; this.connections--; this.pending.delete(socket) } }
    socket.once('close', release)
    this.pending.add(socket)
  }

  private onIncoming (socket: Duplex & { remoteAddress?: string, remotePort?: number }, type: string): void {
    socket.on('error', () => {})
    if (!this.canConnect() || socket.remoteAddress === undefined) { socket.destroy(); return }
    this.track(socket)
    const remote = `${socket.remoteAddress}:${socket.remotePort ?? 0}`
    const wire = new Wire(type, this.pe)
    wire.on('error', () => { socket.destroy() })
    socket.pipe(wire).pipe(socket)
    socket.once('close', () => { wire.destroy() })
    const timer = setTimeout(() => { socket.destroy() }, 15000)
    timer.unref()
    socket.once('close', () => { clearTimeout(timer) })
    wire.once('crypto-infohash', (hh: string) => {
      const hash = this.byHashHash.get(hh)
      const target = hash === undefined ? undefined : this.targets.get(hash)
      if (hash === undefined || target === undefined || !target.acceptsIncoming()) { socket.destroy(); return }
      wire.setInfoHash(hash)
    })
    wire.once('handshake', (infoHash: string) => {
      clearTimeout(timer)
      const target = this.targets.get(infoHash)
      if (target === undefined || !target.acceptsIncoming()) { socket.destroy(); return }
      if (this.pe === 2 && wire._encryptionMethod !== 2) { socket.destroy(); return }
      target.attachIncoming(wire, socket, remote)
    })
  }

  /** Connects to host:port, TCP first (if enabled), then uTP (if enabled). */
  async dial (addr: string): Promise<Dialed> {
    const i = addr.lastIndexOf(':')
    const host = addr.slice(0, i).replace(/^\[|\]$/g, '')
    const port = Number(addr.slice(i + 1))
    let lastErr: unknown = new Error('no transport enabled')
    this.dialing++
    try {
      if (this.cfg.tcp) {
        try {
          const input = new SocketInput()
          return { socket: await this.dialTcp(host, port, input), type: 'tcpOutgoing', input }
        } catch (err) { lastErr = err }
      }
      if (this.utp !== null && !this.closed) {
        try { return { socket: await this.dialUtp(host, port), type: 'utpOutgoing', input: null } } catch (err) { lastErr = err }
      }
      throw lastErr
    } finally { this.dialing-- }
  }

  private async dialTcp (host: string, port: number, input: SocketInput): Promise<Duplex> {
    const socket = net.connect({ host, port, onread: input.onread })
    socket.setNoDelay(true)
    return await this.connected(socket)
  }

  private async dialUtp (host: string, port: number): Promise<Duplex> {
    return await this.connected(this.utp!.connect(port, host))
  }

  /** Resolves when `socket` connects; destroyed on error, timeout or close(). */
  private async connected (socket: Duplex): Promise<Duplex> {
    this.pending.add(socket)
    try {
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => { socket.destroy(new Error('connect timeout')) }, DIAL_TIMEOUT_MS)
        socket.once('connect', () => { clearTimeout(timer); resolve(socket) })
        socket.once('error', err => { clearTimeout(timer); socket.destroy(); reject(err) })
        socket.once('close', () => { clearTimeout(timer); reject(new Error('connection closed')) })
      })
    } finally { this.pending.delete(socket) }
  }

  async close (): Promise<void> {
    this.closed = true
    clearTimeout(this.utpTimer)
    await this.utpStart
    for (const s of this.pending) s.destroy()
    const tasks: Array<Promise<void>> = []
    if (this.tcp !== null) { const t = this.tcp; tasks.push(new Promise(resolve => { t.close(() => { resolve() }) })) }
    if (this.utp !== null) {
      // libutp closes the socket only once every connection finished closing, which takes its
      // own timeout when the peer vanished: wait briefly, then unref so the process can exit
      const u = this.utp
      tasks.push(new Promise(resolve => {
        const timer = setTimeout(() => { u.unref(); resolve() }, UTP_CLOSE_WAIT_MS)
        u.close(() => { clearTimeout(timer); resolve() })
      }))
    }
    if (this.dht !== null) { const d = this.dht; tasks.push(new Promise(resolve => { d.destroy(() => { resolve() }) })) }
    await Promise.all(tasks)
    this.tcp = null
    this.utp = null
    this.dht = null
  }
}
