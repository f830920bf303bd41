// Torrents loaded only to be looked at (POST /api/torrents, the UI's file picker). Joining the
// swarm for a look must not keep a torrent loaded, persisted and reloaded at every start for
// nothing: a torrent the inspection added (it was not loaded before) is removed once
// `ttlMs` has passed, unless an active assignment uses it by then. Inspecting it again moves the
// deadline. The deadlines are kept in a small file beside the torrents' metadata, so a restart
// in between does not turn an inspected torrent into a permanent one. Timers end on close().
import { randomBytes } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import type { Logger } from '../logger.ts'
import type { Torrent, TorrentService } from '../torrent/types.ts'
import type { TorrentRef } from './magnet.ts'

export interface InspectionDeps {
  torrents: Pick<TorrentService, 'getTorrent' | 'getOrAddTorrent' | 'removeTorrent'>
  /** active assignments using the torrent */
  users: (infoHash: string) => number
  /** an assign of the torrent is in flight (TorrentClaims): not the moment to remove it */
  busy: (infoHash: string) => boolean
  /** where the deadlines are kept (JSON: info hash -> ms since epoch) */
  file: string
  ttlMs: number
  log: Logger
}

/** an expiry that meets an assign in flight looks again this much later */
const BUSY_RETRY_MS = 5000

export class TorrentInspections {
  private readonly deadlines = new Map<string, number>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private saving: Promise<void> = Promise.resolve()
  private closed = false

  constructor (private readonly deps: InspectionDeps) {}

  /** Loads the deadlines left by the last run and schedules them (those past expire at once). */
  async start (): Promise<void> {
    let saved: unknown
    try { saved = JSON.parse(await readFile(this.deps.file, 'utf8')) } catch { return }
    if (typeof saved !== 'object' || saved === null) return
    for (const [hash, at] of Object.entries(saved as Record<string, unknown>)) {
      if (/^[0-9a-f]{40}$/.test(hash) && typeof at === 'number' && Number.isFinite(at)) this.schedule(hash, at)
    }
  }

  /**
   * The torrent with its metadata (waiting up to add_timeout for a magnet not loaded yet:
   * TimeoutError add_timeout -> 504). A torrent this added, or added by an earlier inspection,
   * gets (or moves) its removal deadline.
   */
  async inspect (ref: TorrentRef): Promise<Torrent> {
    const loaded = this.deps.torrents.getTorrent(ref.infoHash) !== undefined
    const torrent = await this.deps.torrents.getOrAddTorrent(ref.infoHash, ref.magnetUri)
    if ((!loaded || this.deadlines.has(ref.infoHash)) && this.deps.users(ref.infoHash) === 0 && !this.closed) {
      this.schedule(ref.infoHash, Date.now() + this.deps.ttlMs)
      this.save()
    }
    return torrent
  }

  /** Info hashes waiting for removal, with their deadlines (ms since epoch). */
  pending (): ReadonlyMap<string, number> { return this.deadlines }

  /** Stops the timers (the deadlines stay in the file for the next run). */
  async close (): Promise<void> {
    this.closed = true
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
    await this.saving
  }

  private schedule (hash: string, at: number): void {
    clearTimeout(this.timers.get(hash))
    this.deadlines.set(hash, at)
    const timer = setTimeout(() => { void this.expire(hash) }, Math.max(0, at - Date.now()))
    timer.unref()
    this.timers.set(hash, timer)
  }

  private async expire (hash: string): Promise<void> {
    this.timers.delete(hash)
    if (this.closed) return
    if (this.deps.busy(hash)) { this.schedule(hash, Date.now() + BUSY_RETRY_MS); return }
    this.deadlines.delete(hash)
    this.save()
    if (this.deps.users(hash) > 0) return
    try {
      await this.deps.torrents.removeTorrent(hash)
      this.deps.log.info({ infoHash: hash }, 'inspected torrent never assigned: removed')
    } catch (err) {
      this.deps.log.warn({ err, infoHash: hash }, 'inspected torrent could not be removed')
    }
  }

  /** Writes the deadlines (atomically, one write after another). */
  private save (): void {
    const data = JSON.stringify(Object.fromEntries(this.deadlines))
    this.saving = this.saving.then(async () => {
      const tmp = `${this.deps.file}.${randomBytes(4).toString('hex')}.tmp`
      try {
        await writeFile(tmp, data)
        await rename(tmp, this.deps.file)
      } catch (err) {
        this.deps.log.warn({ err, file: this.deps.file }, 'inspected torrents could not be saved')
      }
    })
  }
}
