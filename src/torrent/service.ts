// The TorrentService: builds the engine from Config['torrent'] (network, DHT, piece cache,
// persistence, idle tracking), loads persisted torrents without the swarm, and manages the
// torrent lifecycle. See docs/engine.md for the design.
import { mkdir } from 'node:fs/promises'
import type { Config } from '../config/schema.ts'
import { ClosedError, InvalidInputError, LimitError, TimeoutError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { ActivityManager } from './activity.ts'
import type { EngineContext } from './context.ts'
import { parseMagnet } from './magnet.ts'
import { parseMeta } from './metadata.ts'
import { Network } from './network.ts'
import { Persistence, type TorrentRecord } from './persistence.ts'
import { HotPieces } from './hot-pieces.ts'
import { PieceCache } from './piece-cache.ts'
import { PiecePool } from './piece-pool.ts'
import { TokenBucket } from './rate-limit.ts'
import { TICK_MS } from './swarm.ts'
import { TorrentSession } from './session.ts'
import type { PoolCounters, Torrent, TorrentService, TorrentStats } from './types.ts'

export async function createTorrentService (cfg: Readonly<Config['torrent']>, logger: Logger): Promise<TorrentService> {
  const engine = new Engine(cfg, logger)
  await engine.start()
  return engine
}

const HASH_RE = /^[0-9a-f]{40}$/
/**
 * Verified pieces kept in memory across all torrents (HotPieces). 40: a reader's whole window
 * (streaming.readahead_bytes 32 MiB + urgent_bytes 4 MiB at 1 MiB pieces) fits, so a reader
 * behind the download reads no piece back from disk; HOT_BYTES bounds larger pieces.
 */
export const HOT_PIECES = 40
const HOT_BYTES = 64 * 1024 * 1024
/**
 * Free piece memory kept for reuse (PiecePool): about a second of pieces at full speed, since
 * lent views come back only after a garbage collection found them; dropped when traffic stops.
 */
const POOL_FREE_BYTES = 32 * 1024 * 1024

class Engine implements TorrentService {
  private readonly sessions = new Map<string, TorrentSession>()
  private readonly adding = new Map<string, Promise<Torrent>>()
  private ctx!: EngineContext
  /** the memory of recent pieces every torrent's store reads through (its counters go to /metrics) */
  private hot!: HotPieces
  private timer: NodeJS.Timeout | undefined
  private closing: Promise<void> | undefined

  constructor (private readonly cfg: Readonly<Config['torrent']>, private readonly log: Logger) {}

  swarmIdentity (): { peerId: Buffer, port: number, dht: import('bittorrent-dht').Client | null } {
    return { peerId: this.ctx.peerId, port: this.ctx.network.port, dht: this.ctx.network.dht }
  }

  async start (): Promise<void> {
    const cfg = this.cfg
    await mkdir(cfg.cache_folder, { recursive: true })
    const persistence = new Persistence(cfg.metadata_folder)
    await persistence.init()
    const peerId = await persistence.peerId()
    const network = new Network(cfg, peerId, this.log.child({ part: 'net' }))
    await network.listen()
    const activity = new ActivityManager(
      { enabled: cfg.idle_enabled, timeoutMs: cfg.idle_timeout * 1000, intervalMs: cfg.idle_check_interval * 1000 },
      hash => { this.onIdle(hash) }
    )
    const pool = new PiecePool(POOL_FREE_BYTES)
    this.hot = new HotPieces(HOT_PIECES, HOT_BYTES, pool)
    this.ctx = {
      cfg,
      log: this.log,
      peerId,
      network,
      cache: new PieceCache({
        folder: cfg.cache_folder,
        limit: cfg.global_cache_size * 1024 * 1024,
        directWrites: cfg.direct_writes,
        log: this.log.child({ part: 'cache' }),
        hot: this.hot
      }),
      pool,
      persistence,
      activity,
      down: new TokenBucket(cfg.download_limit * 1024),
      up: new TokenBucket(cfg.upload_limit * 1024),
      readers: new Set()
    }
    activity.start()
    this.timer = setInterval(() => { for (const s of this.sessions.values()) s.tick() }, TICK_MS)
    this.timer.unref()
    // persisted torrents: listed and readable from cache at once, no swarm, no rehash
    for (const hash of await persistence.list()) {
      try {
        await this.load(hash, await persistence.loadRecord(hash) ?? newRecord(hash, `magnet:?xt=urn:btih:${hash}`), true)
      } catch (err) {
        this.log.warn({ err, infoHash: hash }, 'persisted torrent could not be loaded')
      }
    }
  }

  private async load (hash: string, record: TorrentRecord, startup: boolean): Promise<TorrentSession | null> {
    const file = await this.ctx.persistence.loadMeta(hash)
    if (file === null) return null
    const meta = await parseMeta(file, hash)
    const session = new TorrentSession(this.ctx, hash, record, this.log.child({ infoHash: hash }))
    this.sessions.set(hash, session)
    await session.loadMeta(meta)
    // start_paused: loaded at startup, paused (no connections) until the first read; added at
    // runtime (the files of a removed torrent were still there), or without start_paused: active
    const paused = startup && this.cfg.start_paused
    session.begin(paused)
    if (!paused) this.ctx.activity.markActive(hash)
    if (startup) this.log.debug({ infoHash: hash, state: session.state }, 'persisted torrent loaded')
    return session
  }

  private onIdle (hash: string): void {
    const s = this.sessions.get(hash)
    if (s === undefined || s.state !== 'active' || s.hasPendingReads()) return
    s.sleep('idle')
  }

  getTorrent (infoHash: string): Torrent | undefined {
    const s = this.sessions.get(infoHash.toLowerCase())
    return s?.meta !== null ? s : undefined
  }

  async getOrAddTorrent (infoHash: string, magnetUri: string): Promise<Torrent> {
    if (this.closing !== undefined) throw new ClosedError()
    const hash = infoHash.toLowerCase()
    if (!HASH_RE.test(hash)) throw new InvalidInputError(`bad info hash ${infoHash}`)
    const existing = this.sessions.get(hash)
    if (existing?.meta != null) return existing
    let p = this.adding.get(hash)
    if (p === undefined) {
      this.checkRoomToAdd(hash)
      p = this.add(hash, magnetUri).finally(() => { this.adding.delete(hash) })
      this.adding.set(hash, p)
    }
    return await p
  }

  /**
   * Bounds what one client can make the engine do: every add may open a socket per tracker
   * and per peer hint and holds a torrent in memory, so the number loaded and the number
   * still fetching metadata are capped (torrent.max_torrents, max_concurrent_adds).
   */
  private checkRoomToAdd (hash: string): void {
    if (this.sessions.has(hash)) return
    if (this.adding.size >= this.cfg.max_concurrent_adds) {
      throw new LimitError(`${this.adding.size} magnets are already fetching metadata (torrent.max_concurrent_adds = ${this.cfg.max_concurrent_adds}); try again shortly`, 5)
    }
    if (this.sessions.size + this.adding.size >= this.cfg.max_torrents) {
      throw new LimitError(`${this.sessions.size} torrents are loaded (torrent.max_torrents = ${this.cfg.max_torrents}); remove one or raise the limit`)
    }
  }

  private async add (hash: string, magnetUri: string): Promise<Torrent> {
    const parsed = parseMagnet(magnetUri)
    if (parsed.infoHash !== hash) throw new InvalidInputError('magnet info hash does not match')
    const record = newRecord(hash, parsed.uri, parsed.trackers)
    const loaded = await this.load(hash, record, false)
    if (loaded !== null) return loaded
    const session = new TorrentSession(this.ctx, hash, record, this.log.child({ infoHash: hash }))
    this.sessions.set(hash, session)
    session.begin(false)
    this.ctx.activity.markActive(hash)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new TimeoutError('add_timeout', `no metadata for ${hash} within ${this.cfg.add_timeout}s`)) }, this.cfg.add_timeout * 1000)
    })
    try {
      await Promise.race([session.whenReady(), timeout])
      return session
    } catch (err) {
      this.sessions.delete(hash)
      await session.close()
      this.ctx.activity.forget(hash)
      throw err
    } finally { clearTimeout(timer) }
  }

  async removeTorrent (infoHash: string): Promise<void> {
    const hash = infoHash.toLowerCase()
    const s = this.sessions.get(hash)
    if (s === undefined) return
    this.sessions.delete(hash)
    this.ctx.activity.forget(hash)
    await s.close()
    await s.transfer?.store.destroy()
    await this.ctx.persistence.remove(hash)
  }

  listTorrents (): TorrentStats[] {
    return [...this.sessions.values()].map(s => s.stats())
  }

  cacheUsage (): { used: number, limit: number } { return this.ctx.cache.usage() }

  poolCounters (): PoolCounters {
    const { allocated, reused, givenBack, collected, inUse, slabBytes } = this.ctx.pool
    const { direct, buffered } = this.ctx.cache.writer
    return { allocated, reused, givenBack, collected, hits: this.hot.hits, readBacks: this.hot.readBacks, inUse, slabBytes, directWrites: direct, bufferedWrites: buffered }
  }

  async close (): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer)
      this.ctx.activity.stop()
      await Promise.all([...this.sessions.values()].map(async s => { await s.close() }))
      this.sessions.clear()
      await this.ctx.cache.close()
      this.ctx.pool.close()
      await this.ctx.network.close()
    })()
    return await this.closing
  }
}

function newRecord (hash: string, magnetUri: string, trackers: string[] = []): TorrentRecord {
  return { magnet: magnetUri || `magnet:?xt=urn:btih:${hash}`, trackers, peers: [], addedAt: new Date().toISOString() }
}
