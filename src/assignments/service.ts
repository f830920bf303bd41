// Assigning a torrent file to a movie or an episode: the rules live here, SQL in
// AssignmentRepository, swarm work in the TorrentService. Every stored or deactivated
// assignment is published on `events` (events.ts); a re-assign publishes both.
import { NotFoundError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { AssignmentRepository } from './repository.ts'
import type { Assignment, ItemType } from './types.ts'
import type { Torrent, TorrentService } from '../torrent/types.ts'
import { AssignmentEvents } from './events.ts'
import { chooseFile, findFile } from './file-choice.ts'
import { deactivated } from './mapper.ts'
import { parseTorrentRef, type TorrentRef } from './magnet.ts'

export interface AssignInput {
  magnet_uri: string
  file_path?: string | undefined
  resolution?: string | null | undefined
  source?: string | null | undefined
}

/** What the service needs of the repository and of the torrent service (tests give fakes). */
export type AssignmentStore = Pick<AssignmentRepository, 'itemExists' | 'episodeNumbers' | 'create' | 'getActive' | 'activeByHash' | 'deactivate'>
export type SwarmJoiner = Pick<TorrentService, 'getTorrent' | 'getOrAddTorrent' | 'removeTorrent'>

export interface UnassignResult { assignment: Assignment, torrentRemoved: boolean }

/** Assigns in flight for one torrent (see AssignmentService.claim). */
interface Claim {
  infoHash: string
  assigns: number
  /** the torrent was not loaded when the first of these assigns started */
  addedForAssign: boolean
  /** one of them failed after the torrent was added (422, or its item deleted meanwhile) */
  failed: boolean
}

export class AssignmentService {
  private readonly repo: AssignmentStore
  private readonly torrents: SwarmJoiner
  private readonly log: Logger
  /** assigned / unassigned, published after each write */
  readonly events: AssignmentEvents
  private readonly inFlight = new Map<string, Claim>()
  /** removals of torrents added for failed assigns, still in progress */
  private readonly removing = new Map<string, Promise<void>>()

  constructor (repo: AssignmentStore, torrents: SwarmJoiner, log: Logger, events = new AssignmentEvents()) {
    this.repo = repo
    this.torrents = torrents
    this.log = log
    this.events = events
  }

  /**
   * Validates the magnet, joins the swarm and waits for metadata (add_timeout -> 504,
   * nothing stored), checks the file, then stores the assignment. When the assign fails after
   * the torrent was added for it (422: no file chosen, or a file_path that is not in it), the
   * torrent is removed again: otherwise it stays loaded, persisted and reloaded at every start.
   */
  async assign (itemType: ItemType, itemId: number, input: AssignInput): Promise<Assignment> {
    this.requireItem(itemType, itemId)
    const ref = parseTorrentRef(input.magnet_uri)
    // a torrent being removed after a failed assign is gone before it is added again
    await this.removing.get(ref.infoHash)
    const claim = this.claim(ref.infoHash)
    let added = false
    let stored = false
    try {
      const torrent = await this.torrents.getOrAddTorrent(ref.infoHash, ref.magnetUri)
      added = true
      const assignment = this.store(itemType, itemId, input, ref, torrent)
      stored = true
      return assignment
    } finally {
      // an add that failed (add_timeout) already kept nothing
      await this.release(claim, added && !stored)
    }
  }

  private store (itemType: ItemType, itemId: number, input: AssignInput, ref: TorrentRef, torrent: Torrent): Assignment {
    const file = input.file_path !== undefined && input.file_path.trim() !== ''
      ? findFile(torrent.info.files, input.file_path, torrent.info.name)
      : chooseFile(torrent.info.files, itemType === 'episode' ? this.repo.episodeNumbers(itemId) ?? undefined : undefined)
    // The item may have been deleted while we waited for metadata.
    this.requireItem(itemType, itemId)
    const previous = this.repo.getActive(itemType, itemId)
    const assignment = this.repo.create(itemType, itemId, {
      infoHash: ref.infoHash,
      magnetUri: ref.magnetUri,
      filePath: file.path,
      fileIndex: file.index,
      fileSize: file.length,
      resolution: emptyToNull(input.resolution),
      source: emptyToNull(input.source)
    })
    this.log.info({ itemType, itemId, infoHash: ref.infoHash, file: file.path }, 'assigned')
    // the item's previous file loses its pins like any unassigned one
    if (previous !== null) this.events.unassigned(deactivated(previous, assignment.createdAt))
    this.events.assigned(assignment)
    return assignment
  }

  /**
   * An assign in flight for `infoHash`. Concurrent assigns of one torrent share the claim, and
   * the torrent counts as added for them when it was not loaded as the first of them started.
   */
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
   * Ends one assign's share of the claim. The last assign out removes the torrent when one of
   * them failed after the add, the torrent was added for them, and no active assignment uses
   * it (a concurrent assign of the same torrent may have succeeded).
   */
  private async release (c: Claim, failedAfterAdd: boolean): Promise<void> {
    if (failedAfterAdd) c.failed = true
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
      this.log.info({ infoHash }, 'torrent added for a failed assign removed')
    } catch (err) {
      this.log.warn({ err, infoHash }, 'torrent added for a failed assign could not be removed')
    }
  }

  /** Deactivates the item's assignment; optionally removes the torrent when nothing else uses it. */
  async unassign (itemType: ItemType, itemId: number, removeTorrent: boolean): Promise<UnassignResult> {
    this.requireItem(itemType, itemId)
    const active = this.repo.getActive(itemType, itemId)
    if (active === null) throw new NotFoundError(`${itemType} ${itemId} has no torrent assigned`)
    this.repo.deactivate(active.id)
    const assignment = deactivated(active)
    this.events.unassigned(assignment)
    let torrentRemoved = false
    if (removeTorrent && this.repo.activeByHash(active.infoHash).length === 0) {
      await this.torrents.removeTorrent(active.infoHash)
      torrentRemoved = true
    }
    this.log.info({ itemType, itemId, infoHash: active.infoHash, torrentRemoved }, 'unassigned')
    return { assignment, torrentRemoved }
  }

  active (itemType: ItemType, itemId: number): Assignment | null {
    return this.repo.getActive(itemType, itemId)
  }

  private requireItem (itemType: ItemType, itemId: number): void {
    if (!this.repo.itemExists(itemType, itemId)) throw new NotFoundError(`${itemType} ${itemId} does not exist`)
  }
}

function emptyToNull (s: string | null | undefined): string | null {
  return s === undefined || s === null || s.trim() === '' ? null : s.trim()
}
