// Live swarm health (issue 13, item 3): indexers' seeder counts are often stale, so a check
// joins each release's swarm briefly (health-probe.ts) and reports the peers it reached, the
// seeders it saw and whether the metadata arrived, without downloading a piece.
//
// Bounded everywhere: at most `timeoutMs` per swarm, `maxConcurrent` swarms at once (the rest
// wait their turn), `maxPeersPerSwarm` connections each. Results are kept `cacheTtlMs` by
// info hash, and checks of a hash already being probed wait for that probe instead of
// starting another. close() ends every probe in flight (its check rejects with ClosedError),
// waits until their trackers are let go, and refuses new checks.
import { randomBytes } from 'node:crypto'
import { ClosedError, InvalidInputError, isDomainError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { selectTrackers } from '../torrent/discovery.ts'
import { parseMagnet, type Magnet } from '../torrent/magnet.ts'
import { peLevel } from '../torrent/network.ts'
import { PEER_ID_PREFIX } from '../torrent/persistence.ts'
import { DhtLookups } from './health-dht.ts'
import { SwarmProbe } from './health-probe.ts'
import type { HealthResult, SwarmHealthSettings } from './health-types.ts'

export type { HealthDht, HealthResult, SwarmHealthSettings, TrackerHealth } from './health-types.ts'

/** magnets in one check: a search's top N, not a crawl */
export const MAX_MAGNETS_PER_CHECK = 50
const DEFAULT_PORT = 6881
const DEFAULT_MAX_CACHED = 1000

export interface CheckOptions {
  /** ms per swarm; at most the configured timeout (which is the default) */
  timeoutMs?: number
}

export class SwarmHealth {
  private readonly cache = new Map<string, { result: HealthResult, at: number }>()
  private readonly inflight = new Map<string, Promise<HealthResult>>()
  private readonly probes = new Set<SwarmProbe>()
  /** trackers of finished probes still being told 'stopped' */
  private readonly cleanups = new Set<Promise<void>>()
  private readonly waiting: Array<{ go: () => void, cancel: (err: Error) => void }> = []
  private active = 0
  private closed = false
  private readonly dht: DhtLookups | null
  private readonly peerId: Buffer
  private readonly now: () => number

  constructor (private readonly settings: SwarmHealthSettings, private readonly log: Logger) {
    this.dht = settings.dht === null ? null : new DhtLookups(settings.dht)
    this.peerId = settings.peerId ?? Buffer.concat([Buffer.from(PEER_ID_PREFIX), randomBytes(12)])
    this.now = settings.now ?? Date.now
  }

  /**
   * One result per magnet, in order. InvalidInputError (nothing probed) for a magnet that does
   * not parse, an empty or too long list, or a bad timeout; ClosedError once closed.
   */
  async check (magnets: readonly string[], opts: CheckOptions = {}): Promise<HealthResult[]> {
    if (this.closed) throw new ClosedError('swarm health checks are shut down')
    if (magnets.length === 0) throw new InvalidInputError('magnets: at least one magnet is needed')
    if (magnets.length > MAX_MAGNETS_PER_CHECK) throw new InvalidInputError(`magnets: at most ${MAX_MAGNETS_PER_CHECK} per check, got ${magnets.length}`)
    const timeoutMs = opts.timeoutMs ?? this.settings.timeoutMs
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new InvalidInputError('timeout: a positive number of milliseconds is needed')
    const parsed = magnets.map((m, i) => {
      if (typeof m !== 'string') throw new InvalidInputError(`magnets[${i}]: a magnet link or info hash (text) is needed`)
      try { return parseMagnet(m) } catch (err) {
        if (isDomainError(err)) throw new InvalidInputError(`magnets[${i}]: ${err.message}`)
        throw err
      }
    })
    const limit = Math.min(timeoutMs, this.settings.timeoutMs)
    return await Promise.all(parsed.map(async (m) => await this.one(m, limit)))
  }

  /** Ends every probe in flight (their checks reject with ClosedError), refuses new checks. */
  async close (): Promise<void> {
    this.closed = true
    const err = new ClosedError('swarm health checks are shut down')
    for (const w of this.waiting.splice(0)) w.cancel(err)
    for (const p of this.probes) p.abort(err)
    await Promise.all([...[...this.probes].map((p) => p.cleanup), ...this.cleanups])
  }

  private async one (magnet: Magnet, timeoutMs: number): Promise<HealthResult> {
    const hit = this.fromCache(magnet.infoHash)
    if (hit !== undefined) return { ...structuredClone(hit), cached: true }
    let shared = this.inflight.get(magnet.infoHash)
    if (shared === undefined) {
      shared = this.probe(magnet, timeoutMs).then((r) => { this.store(r); return r })
        .finally(() => { this.inflight.delete(magnet.infoHash) })
      this.inflight.set(magnet.infoHash, shared)
    }
    // every caller gets its own copy: nobody's edits reach another caller or the cache
    return structuredClone(await shared)
  }

  private async probe (magnet: Magnet, timeoutMs: number): Promise<HealthResult> {
    await this.slot()
    if (this.closed) { this.release(); throw new ClosedError('swarm health checks are shut down') }
    const s = this.settings
    const probe = new SwarmProbe({
      magnet,
      timeoutMs,
      maxPeers: s.maxPeersPerSwarm,
      enoughPeers: s.enoughPeers,
      // the magnet's own trackers first: they are the ones that know this release
      trackers: selectTrackers([...magnet.trackers, ...s.trackers], s.maxTrackers).kept,
      dht: this.dht,
      pe: peLevel(s.encryption ?? 'allow'),
      peerId: this.peerId,
      port: s.port ?? DEFAULT_PORT,
      log: this.log.child({ infoHash: magnet.infoHash })
    })
    this.probes.add(probe)
    try {
      probe.start()
      const result = await probe.result
      this.log.debug({ infoHash: result.infoHash, reached: result.peersReached, seeders: result.seeders, metadata: result.metadata, ms: result.ms }, 'swarm health checked')
      return result
    } finally {
      this.probes.delete(probe)
      this.release()
      const c = probe.cleanup.catch(() => {})
      this.cleanups.add(c)
      void c.finally(() => { this.cleanups.delete(c) })
    }
  }

  /** Waits for one of the `maxConcurrent` probe slots; rejects with ClosedError on close(). */
  private async slot (): Promise<void> {
    if (this.active < Math.max(1, this.settings.maxConcurrent)) { this.active++; return }
    // release() hands its slot straight to the first waiter (active stays as it is)
    await new Promise<void>((resolve, reject) => { this.waiting.push({ go: resolve, cancel: reject }) })
  }

  private release (): void {
    const next = this.waiting.shift()
    if (next !== undefined) next.go()
    else this.active--
  }

  private fromCache (infoHash: string): HealthResult | undefined {
    const entry = this.cache.get(infoHash)
    if (entry === undefined) return undefined
    if (this.now() - entry.at < this.settings.cacheTtlMs) return entry.result
    this.cache.delete(infoHash)
    return undefined
  }

  /** Keeps `r`; the oldest entries go beyond maxCached (a Map iterates in insertion order). */
  private store (r: HealthResult): void {
    this.cache.delete(r.infoHash)
    this.cache.set(r.infoHash, { result: r, at: this.now() })
    const max = this.settings.maxCached ?? DEFAULT_MAX_CACHED
    for (const key of this.cache.keys()) {
      if (this.cache.size <= max) break
      this.cache.delete(key)
    }
  }
}
