// Joining a swarm for an assign. Concurrent assigns of one torrent (single files and season
// packs alike) share a claim; when every one of them is done and one failed after the torrent
// was added for them (422, item deleted meanwhile, a dry run that stored nothing), the torrent
// is removed again unless an active assignment uses it: otherwise it would stay loaded,
// persisted and reloaded at every start for nothing.
import type { Logger } from '../logger.ts'
import type { Torrent, TorrentService } from '../torrent/types.ts'
import type { AssignmentRepository } from './repository.ts'
import type { TorrentRef } from './magnet.ts'

export type SwarmJoiner = Pick<TorrentService, 'getTorrent' | 'getOrAddTorrent' | 'removeTorrent'>
export type ClaimStore = Pick<AssignmentRepository, 'activeByHash'>

/** Assigns in flight for one torrent. */
interface Claim {
  infoHash: string
  assigns: number
  /** the torrent was not loaded when the first of these assigns started */
  addedForAssign: boolean
  /** one of them kept nothing after the torrent was added */
  failed: boolean
}

export class TorrentClaims {
  private readonly inFlight = new Map<string, Claim>()
  /** removals of torrents added for failed assigns, still in progress */
  private readonly removing = new Map<string, Promise<void>>()

  constructor (private readonly torrents: SwarmJoiner, private readonly repo: ClaimStore, private readonly log: Logger) {}

  /**
   * Gets or adds the torrent (waiting for metadata, add_timeout -> 504) and runs `use` with it.
   * `use` answers whether it kept the torrent (stored an assignment); when it throws or keeps
   * nothing, the torrent goes again if it was added for this and nothing else uses it.
   */
  async withTorrent<T> (ref: TorrentRef, use: (torrent: Torrent) => { result: T, kept: boolean }): Promise<T> {
    // a torrent being removed after a failed assign is gone before it is added again
    await this.removing.get(ref.infoHash)
    const claim = this.claim(ref.infoHash)
    let added = false
    let kept = false
    try {
      const torrent = await this.torrents.getOrAddTorrent(ref.infoHash, ref.magnetUri)
      added = true
      const out = use(torrent)
      kept = out.kept
      return out.result
    } finally {
      // an add that failed (add_timeout) already kept nothing
      await this.release(claim, added && !kept)
    }
  }

  /** An assign of the torrent is in flight, or a failed one is removing it. */
  busy (infoHash: string): boolean {
    return this.inFlight.has(infoHash) || this.removing.has(infoHash)
  }

  private claim (infoHash: string): Claim {
    let c = this.inFlight.get(infoHash)
    if (c === undefined) {
      c = { infoHash, assigns: 0, addedForAssign: this.torrents.getTorrent(infoHash) === undefined, failed: false }
      this.inFlight.set(infoHash, c)
    }
    c.assigns++
    return c
  }

  /**
   * Ends one assign's share of the claim. The last one out removes the torrent when one of
   * them kept nothing after the add, the torrent was added for them, and no active assignment
   * uses it (a concurrent assign of the same torrent may have succeeded).
   */
  private async release (c: Claim, keptNothing: boolean): Promise<void> {
    if (keptNothing) c.failed = true
    if (--c.assigns > 0) return
    this.inFlight.delete(c.infoHash)
    if (!c.failed || !c.addedForAssign || this.repo.activeByHash(c.infoHash).length > 0) return
    const removal = this.removeUnused(c.infoHash)
    this.removing.set(c.infoHash, removal)
    try { await removal } finally { this.removing.delete(c.infoHash) }
  }

  private async removeUnused (infoHash: string): Promise<void> {
    try {
      await this.torrents.removeTorrent(infoHash)
      this.log.info({ infoHash }, 'torrent added for an assign that kept nothing removed')
    } catch (err) {
      this.log.warn({ err, infoHash }, 'torrent added for an assign that kept nothing could not be removed')
    }
  }
}
