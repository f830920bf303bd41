// Peer discovery for one torrent: torrent-discovery (trackers from the magnet + config, the
// shared DHT node, LSD). Started when the torrent becomes active or fetches metadata,
// destroyed when it goes idle/paused or closes (no announces while idle).
//
// Trackers are named by whoever made the magnet, so everything they say is untrusted:
// - at most `maxTrackers` announce URLs (one magnet carried 1,700 and opened 1,732 sockets);
// - HTTP answers go through tracker-http.ts (complete, bounded and well-typed before
//   bittorrent-tracker reads them; its own failures there used to kill the process);
// - a tracker that gets answered far more often than any announce interval allows (a UDP
//   interval beyond Node's timer range turns into a 1 ms timer) is dropped for this torrent.
import type { EventEmitter } from 'node:events'
import type Discovery from 'torrent-discovery'
import type { Logger } from '../logger.ts'
import { trackerProxyOptions } from './tracker-http.ts'

export interface DiscoveryOptions {
  infoHash: string
  peerId: Buffer
  port: number
  /** announce URLs in order of preference: the first `maxTrackers` usable ones are kept */
  trackers: string[]
  /** torrent.max_trackers */
  maxTrackers: number
  dht: unknown
  lsd: boolean
}

/** Answers from one tracker within ANSWER_WINDOW_MS beyond which it is dropped: a 1 s interval gives ~10. */
const MAX_ANSWERS_PER_WINDOW = 25
const ANSWER_WINDOW_MS = 10_000

/** Protocols bittorrent-tracker can announce to here (ws/wss need WebRTC, which we do not speak). */
const ANNOUNCE_PROTOCOLS = new Set(['http:', 'https:', 'udp:'])

export interface TrackerSelection {
  kept: string[]
  duplicates: number
  unusable: number
  overCap: number
}

/**
 * The announce URLs to use: in the given order, without duplicates (a trailing '/' does not
 * make a new one, as in bittorrent-tracker), only http/https/udp URLs, at most `max`.
 */
export function selectTrackers (urls: readonly string[], max: number): TrackerSelection {
  const seen = new Set<string>()
  const out: TrackerSelection = { kept: [], duplicates: 0, unusable: 0, overCap: 0 }
  for (const raw of urls) {
    const url = raw.trim().replace(/\/$/, '')
    if (!isAnnounceUrl(url)) { out.unusable++; continue }
    if (seen.has(url)) { out.duplicates++; continue }
    seen.add(url)
    if (out.kept.length >= max) { out.overCap++; continue }
    out.kept.push(url)
  }
  return out
}

function isAnnounceUrl (url: string): boolean {
  try {
    const u = new URL(url)
    return ANNOUNCE_PROTOCOLS.has(u.protocol) && u.hostname !== ''
  } catch {
    return false
  }
}

type DiscoveryClass = typeof Discovery
let discoveryClass: Promise<DiscoveryClass> | undefined

/**
 * torrent-discovery with bittorrent-tracker, its WebSocket, SOCKS and LSD parts, loaded when
 * the first torrent looks for peers rather than at start-up (an empty library never needs it).
 */
async function loadDiscovery (): Promise<DiscoveryClass> {
  discoveryClass ??= import('torrent-discovery').then((m) => m.default)
  return await discoveryClass
}

export class PeerDiscovery {
  private d: Discovery | null = null
  /** start() was called more recently than stop(): the emitter is made once its module is loaded */
  private wanted = false
  private selection: TrackerSelection | null = null
  /** trackers dropped for answering too often, for the life of this torrent */
  private readonly dropped = new Set<string>()
  private readonly answers = new Map<string, number[]>()

  constructor (private readonly opts: DiscoveryOptions, private readonly onPeer: (addr: string, source: string) => void, private readonly log: Logger) {}

  get running (): boolean { return this.d !== null || this.wanted }

  start (): void {
    if (this.d !== null || this.wanted) return
    const { dht, lsd } = this.opts
    const trackers = this.trackers().filter((url) => !this.dropped.has(url))
    if (trackers.length === 0 && dht === null && !lsd) return
    this.wanted = true
    loadDiscovery().then((DiscoveryClass) => {
      if (!this.wanted || this.d !== null) return
      this.wanted = false
      this.create(DiscoveryClass, trackers)
    }, (err: unknown) => {
      this.wanted = false
      this.log.error(errorFields(err), 'peer discovery unavailable')
    })
  }

  private create (DiscoveryClass: DiscoveryClass, trackers: string[]): void {
    const { infoHash, peerId, port, dht, lsd } = this.opts
    const d = new DiscoveryClass({
      infoHash,
      peerId: peerId.toString('hex'),
      port,
      announce: trackers,
      dht: dht ?? false,
      tracker: trackers.length > 0 ? { proxyOpts: trackerProxyOptions() } : false,
      lsd,
      userAgent: 'momoshtrem'
    })
    d.on('peer', (peer: unknown, source: string) => { this.peer(peer, source) })
    d.on('warning', (err: unknown) => { this.log.debug(errorFields(err), 'discovery warning') })
    d.on('error', (err: unknown) => { this.log.warn(errorFields(err), 'discovery error') })
    // torrent-discovery's `tracker` is bittorrent-tracker's client, which emits 'update' per answer
    const client = (d as unknown as { tracker?: EventEmitter | null }).tracker
    client?.on('update', (data: { announce?: unknown }) => { this.answered(d, data?.announce) })
    this.d = d
  }

  stop (): void {
    this.wanted = false
    const d = this.d
    this.d = null
    if (d !== null) d.destroy()
  }

  /** The capped announce list, computed (and its trimming logged) on first use. */
  private trackers (): string[] {
    if (this.selection === null) {
      const max = this.opts.maxTrackers
      const s = selectTrackers(this.opts.trackers, max)
      if (s.duplicates + s.unusable + s.overCap > 0) {
        this.log.info({ kept: s.kept.length, duplicates: s.duplicates, unusable: s.unusable, overCap: s.overCap, maxTrackers: max }, 'announce list trimmed')
      }
      this.selection = s
    }
    return this.selection.kept
  }

  /** Peers come from third-party code: a failure of ours here ends this peer, not the emitter's work. */
  private peer (peer: unknown, source: string): void {
    if (typeof peer !== 'string') return
    try {
      this.onPeer(peer, source)
    } catch (err) {
      this.log.error({ err, peer, source }, 'discovered peer not taken')
    }
  }

  /** Counts a tracker's answers; one answered far more often than any interval allows is dropped. */
  private answered (d: Discovery, announce: unknown): void {
    if (typeof announce !== 'string' || this.d !== d || this.dropped.has(announce)) return
    const now = Date.now()
    const recent = (this.answers.get(announce) ?? []).filter((at) => now - at < ANSWER_WINDOW_MS)
    recent.push(now)
    this.answers.set(announce, recent)
    if (recent.length <= MAX_ANSWERS_PER_WINDOW) return
    this.dropped.add(announce)
    this.answers.delete(announce)
    this.log.warn({ tracker: announce, answers: recent.length, windowMs: ANSWER_WINDOW_MS }, 'tracker answers far more often than any announce interval allows; dropped for this torrent')
    // torrent-discovery cannot remove one tracker: start over without it, once the emitter is done
    setImmediate(() => {
      if (this.d !== d) return
      this.stop()
      this.start()
    })
  }
}

/** A warning's message and, for fetch's "fetch failed", the cause that says which tracker and why. */
function errorFields (err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { err: String(err) }
  const cause = err.cause instanceof Error ? err.cause.message : undefined
  return cause === undefined ? { err: err.message } : { err: err.message, cause }
}
