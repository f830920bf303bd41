// One swarm, joined briefly: peers from the magnet's hints, its trackers and the DHT go to
// the connection pool (health-peers.ts), which reads what they announce and takes the
// metadata, and never asks for a piece.
//
// The probe ends at the deadline, or earlier once the metadata is in and `enoughPeers` were
// reached, or once every source has answered and every peer found has shown its pieces. Then
// every socket is closed and every timer cleared; the trackers get their 'stopped' in `cleanup`.
import type { Logger } from '../logger.ts'
import type { Magnet } from '../torrent/magnet.ts'
import { parseMeta } from '../torrent/metadata.ts'
import type { Peer } from '../torrent/peer.ts'
import type { DhtLookups } from './health-dht.ts'
import { PeerPool } from './health-peers.ts'
import { TrackerProbe } from './health-trackers.ts'
import type { HealthResult } from './health-types.ts'

export interface ProbeOptions {
  magnet: Magnet
  timeoutMs: number
  maxPeers: number
  enoughPeers: number
  /** announce URLs, already selected and capped */
  trackers: string[]
  dht: DhtLookups | null
  /** 0 plaintext, 1 plaintext first then MSE/PE, 2 MSE/PE only (network.ts peLevel) */
  pe: number
  peerId: Buffer
  /** announced to trackers */
  port: number
  log: Logger
}

/** how often a probe looks again whether it is done (peers that stay silent settle by time) */
const TICK_MS = 250

export class SwarmProbe {
  readonly result: Promise<HealthResult>
  /** resolves once the trackers were told 'stopped' and let go (after the result) */
  cleanup: Promise<void> = Promise.resolve()
  private readonly pool: PeerPool
  private readonly trackers: TrackerProbe[]
  private readonly startedAt = Date.now()
  private readonly timers: NodeJS.Timeout[] = []
  private dhtStop: (() => void) | null = null
  private dhtDone = true
  private checkPending = false
  private ended = false
  private settle!: { resolve: (r: HealthResult) => void, reject: (err: Error) => void }

  constructor (private readonly o: ProbeOptions) {
    this.result = new Promise((resolve, reject) => { this.settle = { resolve, reject } })
    const { infoHash } = o.magnet
    this.pool = new PeerPool({
      infoHash,
      peerId: o.peerId,
      pe: o.pe,
      maxPeers: o.maxPeers,
      port: o.port,
      log: o.log,
      changed: () => { this.check() },
      metadata: (peer, torrentFile) => { this.takeMetadata(peer, torrentFile) }
    })
    const target = { infoHash, peerId: o.peerId, port: o.port }
    this.trackers = o.trackers.map((url) => new TrackerProbe({ ...target, url }, (addr) => { this.pool.add(addr, false) }, () => { this.check() }))
  }

  start (): void {
    const { magnet, dht, timeoutMs } = this.o
    if (this.trackers.length === 0 && dht === null && magnet.peers.length === 0) {
      this.finish('the magnet names no trackers or peers and DHT is off: nowhere to look for peers')
      return
    }
    this.timers.push(setTimeout(() => { this.finish() }, timeoutMs), setInterval(() => { this.check() }, TICK_MS))
    for (const hint of magnet.peers) this.pool.add(hint, true)
    for (const t of this.trackers) void t.start()
    if (dht !== null) {
      this.dhtDone = false
      this.dhtStop = dht.lookup(magnet.infoHash, (addr) => { this.pool.add(addr, false) }, () => { this.dhtDone = true; this.check() })
    }
    this.check()
  }

  /** Ends the probe now; the result rejects with `err`. */
  abort (err: Error): void { this.finish(undefined, err) }

  /** ut_metadata checked the hash; parseMeta checks that the dictionary is usable. */
  private takeMetadata (peer: Peer, torrentFile: Uint8Array): void {
    if (this.pool.meta !== null || this.ended) return
    parseMeta(torrentFile, this.o.magnet.infoHash).then((meta) => {
      if (this.pool.meta !== null || this.ended) return
      this.pool.gotMetadata(meta)
      this.check()
    }, (err: unknown) => {
      this.o.log.info({ err, peer: peer.addr }, 'health probe: metadata unusable')
      this.pool.metadataFailed(peer)
    })
  }

  /** Looks whether the probe is done once this turn's events are in (a tracker answer comes before its peers). */
  private check (): void {
    if (this.checkPending || this.ended) return
    this.checkPending = true
    setImmediate(() => {
      this.checkPending = false
      if (this.isDone()) this.finish()
    })
  }

  private isDone (): boolean {
    if (this.ended) return false
    if (this.pool.meta !== null && this.pool.reached >= this.o.enoughPeers) return true
    if (!this.dhtDone || this.trackers.some((t) => !t.settled)) return false
    return this.pool.settled()
  }

  private finish (error?: string, abortErr?: Error): void {
    if (this.ended) return
    this.ended = true
    for (const t of this.timers) clearTimeout(t)
    this.dhtStop?.()
    this.pool.close()
    this.cleanup = Promise.all(this.trackers.map(async (t) => { await t.stop() })).then(() => {})
    if (abortErr !== undefined) this.settle.reject(abortErr)
    else this.settle.resolve(this.compile(error))
  }

  private compile (error?: string): HealthResult {
    const info = this.pool.meta?.info
    return {
      infoHash: this.o.magnet.infoHash,
      peersFound: this.pool.found,
      peersReached: this.pool.reached,
      ...this.pool.tally(),
      metadata: info !== undefined,
      ...(info !== undefined ? { name: info.name, size: info.length, files: info.files.length } : {}),
      trackers: this.trackers.map((t) => t.settled || t.health.ok ? { ...t.health } : { ...t.health, error: 'no answer before the probe ended' }),
      ms: Date.now() - this.startedAt,
      checkedAt: new Date().toISOString(),
      cached: false,
      ...(error !== undefined ? { error } : {})
    }
  }
}
