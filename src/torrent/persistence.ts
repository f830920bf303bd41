// What survives a restart, under metadata_folder: our peer id (peer-id), and per torrent the
// info dictionary (<hash>.torrent, bencoded { info }) plus <hash>.json (magnet, trackers,
// remembered peers, addedAt). Every file is written to a temp name and renamed (atomic).
import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { join } from 'node:path'

/** Dials of a remembered peer that failed since it last connected. */
export interface PeerFailures {
  count: number
  /** ms since the epoch of the first of them */
  since: number
}

export interface TorrentRecord {
  magnet: string
  trackers: string[]
  /** "host:port" of peers that connected, most recent first, kept until proven dead (PeerBook) */
  peers: string[]
  /** remembered peers whose dials fail, by address */
  failing?: Record<string, PeerFailures>
  addedAt: string
}

/** remembered peers kept per torrent (the most recently connected) */
export const MAX_REMEMBERED_PEERS = 50
/**
 * A remembered peer is forgotten only once its dials failed this many times, over at least
 * DEAD_AFTER_MS: a seeder switched off for a weekend, or a torrent nobody read for a month,
 * must not lose the only address it had (a trackerless torrent would be unreachable for good).
 */
export const DEAD_AFTER_FAILURES = 10
export const DEAD_AFTER_MS = 7 * 24 * 3600 * 1000

/**
 * The peers a torrent remembers across restarts. A load used to re-save only the peers that
 * connected in the current run, so a start_paused torrent forgot its whole swarm at the first
 * restart without a read. Now what was known is kept until proven dead: this run's connections
 * come first (most recent first), then the earlier list, banned and dead peers dropped, bounded.
 */
export class PeerBook {
  private readonly earlier: string[]
  private readonly failures: Map<string, PeerFailures>
  private readonly banned = new Set<string>()

  constructor (record: Pick<TorrentRecord, 'peers' | 'failing'>, private readonly now: () => number = Date.now) {
    this.earlier = [...record.peers]
    this.failures = new Map(Object.entries(record.failing ?? {}).map(([a, f]) => [a, { ...f }]))
  }

  connected (addr: string): void { this.failures.delete(addr) }

  failed (addr: string): void {
    const f = this.failures.get(addr)
    if (f === undefined) this.failures.set(addr, { count: 1, since: this.now() })
    else f.count++
  }

  ban (addr: string): void {
    this.banned.add(addr)
    this.failures.delete(addr)
  }

  dead (addr: string): boolean {
    const f = this.failures.get(addr)
    return this.banned.has(addr) || (f !== undefined && f.count >= DEAD_AFTER_FAILURES && this.now() - f.since >= DEAD_AFTER_MS)
  }

  /** What the record keeps: `connectedNow` (this run, most recent first) merged over the earlier list. */
  snapshot (connectedNow: string[]): Pick<TorrentRecord, 'peers' | 'failing'> {
    const peers: string[] = []
    for (const addr of [...connectedNow, ...this.earlier]) {
      if (peers.length >= MAX_REMEMBERED_PEERS) break
      if (!peers.includes(addr) && !this.dead(addr)) peers.push(addr)
    }
    const failing: Record<string, PeerFailures> = {}
    for (const addr of peers) {
      const f = this.failures.get(addr)
      if (f !== undefined) failing[addr] = { ...f }
    }
    return { peers, failing }
  }
}

function parseFailing (v: unknown): Record<string, PeerFailures> {
  const out: Record<string, PeerFailures> = {}
  if (typeof v !== 'object' || v === null) return out
  for (const [addr, f] of Object.entries(v as Record<string, Partial<PeerFailures> | null>)) {
    if (Number.isSafeInteger(f?.count) && Number.isFinite(f?.since)) out[addr] = { count: f!.count!, since: f!.since! }
  }
  return out
}

export const PEER_ID_PREFIX = '-MM0001-'

async function writeAtomic (path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await fsp.writeFile(tmp, data)
  await fsp.rename(tmp, path)
}

export class Persistence {
  constructor (readonly folder: string) {}

  async init (): Promise<void> {
    await fsp.mkdir(this.folder, { recursive: true })
    for (const name of await fsp.readdir(this.folder)) {
      if (name.endsWith('.tmp')) await fsp.rm(join(this.folder, name), { force: true })
    }
  }

  /** Our 20-byte peer id, generated once (prefix -MM0001-) and kept in peer-id. */
  async peerId (): Promise<Buffer> {
    const path = join(this.folder, 'peer-id')
    const saved = await fsp.readFile(path, 'utf8').catch(() => '')
    if (/^[0-9a-f]{40}$/.test(saved.trim())) return Buffer.from(saved.trim(), 'hex')
    const id = Buffer.concat([Buffer.from(PEER_ID_PREFIX), randomBytes(12)])
    await writeAtomic(path, id.toString('hex'))
    return id
  }

  async saveMeta (infoHash: string, torrentFile: Uint8Array): Promise<void> {
    await writeAtomic(join(this.folder, `${infoHash}.torrent`), torrentFile)
  }

  async saveRecord (infoHash: string, rec: TorrentRecord): Promise<void> {
    await writeAtomic(join(this.folder, `${infoHash}.json`), JSON.stringify(rec))
  }

  async loadMeta (infoHash: string): Promise<Buffer | null> {
    return await fsp.readFile(join(this.folder, `${infoHash}.torrent`)).catch(() => null)
  }

  async loadRecord (infoHash: string): Promise<TorrentRecord | null> {
    const text = await fsp.readFile(join(this.folder, `${infoHash}.json`), 'utf8').catch(() => null)
    if (text === null) return null
    try {
      const r = JSON.parse(text) as Partial<TorrentRecord>
      return {
        magnet: typeof r.magnet === 'string' ? r.magnet : `magnet:?xt=urn:btih:${infoHash}`,
        trackers: Array.isArray(r.trackers) ? r.trackers.filter(t => typeof t === 'string') : [],
        peers: Array.isArray(r.peers) ? r.peers.filter(p => typeof p === 'string') : [],
        failing: parseFailing(r.failing),
        addedAt: typeof r.addedAt === 'string' ? r.addedAt : new Date().toISOString()
      }
    } catch { return null }
  }

  /** Info hashes with a persisted info dictionary. */
  async list (): Promise<string[]> {
    const names = await fsp.readdir(this.folder).catch(() => [] as string[])
    return names.filter(n => /^[0-9a-f]{40}\.torrent$/.test(n)).map(n => n.slice(0, 40))
  }

  async remove (infoHash: string): Promise<void> {
    await fsp.rm(join(this.folder, `${infoHash}.torrent`), { force: true })
    await fsp.rm(join(this.folder, `${infoHash}.json`), { force: true })
  }
}
