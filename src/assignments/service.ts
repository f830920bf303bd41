// Assigning a torrent file to a movie or an episode: the rules live here, SQL in
// AssignmentRepository, swarm work in the TorrentService. Every stored or deactivated
// assignment is published on `events` (events.ts); a re-assign publishes both.
import { NotFoundError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { AssignmentRepository } from './repository.ts'
import type { Assignment, ItemType } from './types.ts'
import type { Torrent } from '../torrent/types.ts'
import { AssignmentEvents } from './events.ts'
import { chooseFile, findFile } from './file-choice.ts'
import { deactivated } from './mapper.ts'
import { parseTorrentRef, type TorrentRef } from './magnet.ts'
import { TorrentClaims, type SwarmJoiner } from './torrent-claims.ts'

export interface AssignInput {
  magnet_uri: string
  file_path?: string | undefined
  resolution?: string | null | undefined
  source?: string | null | undefined
}

/** What the service needs of the repository and of the torrent service (tests give fakes). */
export type AssignmentStore = Pick<AssignmentRepository, 'itemExists' | 'episodeNumbers' | 'create' | 'getActive' | 'activeByHash' | 'deactivate'>
export type { SwarmJoiner } from './torrent-claims.ts'

export interface UnassignResult { assignment: Assignment, torrentRemoved: boolean }

export class AssignmentService {
  private readonly repo: AssignmentStore
  private readonly torrents: SwarmJoiner
  private readonly log: Logger
  /** assigned / unassigned, published after each write */
  readonly events: AssignmentEvents
  /** shared with the season-pack assigns: one claim per torrent being assigned */
  readonly claims: TorrentClaims

  constructor (repo: AssignmentStore, torrents: SwarmJoiner, log: Logger, events = new AssignmentEvents()) {
    this.repo = repo
    this.torrents = torrents
    this.log = log
    this.events = events
    this.claims = new TorrentClaims(torrents, repo, log)
  }

  /**
   * Validates the magnet, joins the swarm and waits for metadata (add_timeout -> 504,
   * nothing stored), checks the file, then stores the assignment. When the assign fails after
   * the torrent was added for it (422: no file chosen, or a file_path that is not in it), the
   * torrent is removed again (TorrentClaims).
   */
  async assign (itemType: ItemType, itemId: number, input: AssignInput): Promise<Assignment> {
    this.requireItem(itemType, itemId)
    const ref = parseTorrentRef(input.magnet_uri)
    return await this.claims.withTorrent(ref, (torrent) => ({ result: this.store(itemType, itemId, input, ref, torrent), kept: true }))
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
