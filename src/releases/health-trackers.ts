// One tracker, asked once for one probed swarm: a scrape for its counts, an announce for
// peers. Two bittorrent-tracker clients, so that every answer and every failure is known to
// belong to the one request it came from (a client reports its trackers' failures as
// anonymous 'warning' events).
//
// The announce puts the probe into the tracker's counts (as an incomplete peer), so the
// counts come from a scrape answered before the announce went out; the announce is held back
// for that at most SCRAPE_HEAD_START_MS. When the scrape is late or impossible (an HTTP URL
// without /announce), the announce's own counts are used with the probe taken out again.
// A tracker that answered gets a 'stopped' announce at the end, so it does not go on handing
// out an address that never accepts this torrent.
//
// HTTP answers go through the engine's hardened dispatcher (torrent/tracker-http.ts).
import { trackerProxyOptions } from '../torrent/tracker-http.ts'
import type { TrackerHealth } from './health-types.ts'

const SCRAPE_HEAD_START_MS = 1000

/** bittorrent-tracker's client, as much of it as we use (the package ships no types). */
interface TrackerClient {
  on (event: string, fn: (arg: unknown) => void): void
  start (): void
  stop (): void
  scrape (): void
  destroy (cb?: () => void): void
}
type ClientClass = new (opts: Record<string, unknown>) => TrackerClient

let clientClass: Promise<ClientClass> | undefined

/** Imported on first use: a probe is the only user outside the engine's discovery. */
async function loadClient (): Promise<ClientClass> {
  clientClass ??= import('bittorrent-tracker').then((m) => m.default as ClientClass)
  return await clientClass
}

export interface TrackerTarget {
  url: string
  infoHash: string
  peerId: Buffer
  port: number
}

export class TrackerProbe {
  readonly health: TrackerHealth
  /** the announce was answered or failed: no more peers will come from it */
  settled = false
  private scrapeClient: TrackerClient | null = null
  private announceClient: TrackerClient | null = null
  private announced = false
  private stopped = false
  private headStart: NodeJS.Timeout | undefined

  constructor (private readonly target: TrackerTarget, private readonly onPeer: (addr: string) => void, private readonly onSettled: () => void) {
    this.health = { url: target.url, ok: false }
  }

  async start (): Promise<void> {
    let Client: ClientClass
    try { Client = await loadClient() } catch (err) { this.fail(err); return }
    if (this.stopped) return
    const opts = {
      infoHash: this.target.infoHash,
      peerId: this.target.peerId.toString('hex'),
      port: this.target.port,
      announce: [this.target.url],
      proxyOpts: trackerProxyOptions(),
      userAgent: 'momoshtrem'
    }
    try {
      if (scrapable(this.target.url)) {
        const s = this.scrapeClient = new Client(opts)
        s.on('scrape', (data) => { this.scraped(data) })
        s.on('warning', () => { this.announce() })
        s.on('error', () => { this.announce() })
        s.scrape()
        this.headStart = setTimeout(() => { this.announce() }, SCRAPE_HEAD_START_MS)
      }
      const a = this.announceClient = new Client(opts)
      a.on('update', (data) => { this.answered(data) })
      a.on('peer', (addr) => { if (typeof addr === 'string' && !this.stopped) this.onPeer(addr) })
      a.on('warning', (err) => { this.fail(err) })
      a.on('error', (err) => { this.fail(err) })
      if (this.scrapeClient === null) this.announce()
    } catch (err) {
      this.fail(err)
    }
  }

  private scraped (data: unknown): void {
    if (this.announced || this.stopped) return
    const { complete, incomplete } = (data ?? {}) as Record<string, unknown>
    if (isCount(complete)) this.health.seeders = complete
    if (isCount(incomplete)) this.health.leechers = incomplete
    this.health.ok = true
    this.announce()
  }

  private announce (): void {
    clearTimeout(this.headStart)
    if (this.announced || this.stopped || this.announceClient === null) return
    this.announced = true
    this.announceClient.start()
  }

  private answered (data: unknown): void {
    if (this.stopped) return
    const { complete, incomplete } = (data ?? {}) as Record<string, unknown>
    if (this.health.seeders === undefined && this.health.leechers === undefined) {
      if (isCount(complete)) this.health.seeders = complete
      // the tracker counted our own announce (left > 0) as an incomplete peer
      if (isCount(incomplete)) this.health.leechers = Math.max(0, incomplete - 1)
    }
    this.health.ok = true
    delete this.health.error
    this.settle()
  }

  private fail (err: unknown): void {
    if (this.stopped || this.settled) return
    // a tracker's "warning message" comes with an answer; only a failure without one counts
    if (!this.health.ok) this.health.error = errorText(err)
    this.settle()
  }

  private settle (): void {
    if (this.settled) return
    this.settled = true
    this.onSettled()
  }

  /** Says 'stopped' to a tracker that answered, then destroys both clients (bittorrent-tracker waits at most 1 s for requests in flight). */
  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearTimeout(this.headStart)
    const clients = [this.scrapeClient, this.announceClient]
    if (this.announced && this.health.ok) this.announceClient?.stop()
    this.scrapeClient = this.announceClient = null
    await Promise.all(clients.map(async (c) => {
      if (c !== null) await new Promise<void>((resolve) => { c.destroy(() => { resolve() }) })
    }))
  }
}

/** UDP trackers scrape; HTTP ones only when the path's last segment starts with "announce" (BEP 48). */
function scrapable (url: string): boolean {
  return url.startsWith('udp:') || /\/announce[^/]*$/.test(new URL(url).pathname)
}

function isCount (v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

/** A failure's message and, for fetch's "fetch failed", the cause that says why. */
function errorText (err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message
}
