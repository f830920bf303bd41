// Peer discovery for one torrent: torrent-discovery (trackers from the magnet + config, the
// shared DHT node, LSD). Started when the torrent becomes active or fetches metadata,
// destroyed when it goes idle/paused or closes (no announces while idle).
import Discovery from 'torrent-discovery'
import type { Logger } from '../logger.ts'

export interface DiscoveryOptions {
  infoHash: string
  peerId: Buffer
  port: number
  trackers: string[]
  dht: unknown
  lsd: boolean
}

export class PeerDiscovery {
  private d: Discovery | null = null

  constructor (private readonly opts: DiscoveryOptions, private readonly onPeer: (addr: string, source: string) => void, private readonly log: Logger) {}

  get running (): boolean { return this.d !== null }

  start (): void {
    if (this.d !== null) return
    const { infoHash, peerId, port, trackers, dht, lsd } = this.opts
    if (trackers.length === 0 && dht === null && !lsd) return
    const d = new Discovery({
      infoHash,
      peerId: peerId.toString('hex'),
      port,
      announce: trackers,
      dht: dht ?? false,
      tracker: trackers.length > 0 ? {} : false,
      lsd,
      userAgent: 'momoshtrem'
    })
    d.on('peer', (peer: unknown, source: string) => {
      if (typeof peer === 'string') this.onPeer(peer, source)
    })
    d.on('warning', (err: Error) => { this.log.debug({ err: err.message }, 'discovery warning') })
    d.on('error', (err: Error) => { this.log.warn({ err: err.message }, 'discovery error') })
    this.d = d
  }

  stop (): void {
    const d = this.d
    this.d = null
    if (d !== null) d.destroy()
  }
}
