// Assigning a torrent file to a movie or an episode (stage document steps 2.4-2.5): the
// rules live here, SQL in AssignmentRepository, swarm work in the TorrentService.
import { ConflictError, NotFoundError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { Assignment, AssignmentRepository, ItemType } from '../library/assignment-repository.ts'
import type { Torrent, TorrentService } from '../torrent/types.ts'
import { chooseFile, findFile } from './file-choice.ts'
import { parseTorrentRef } from './magnet.ts'

export interface AssignInput {
  magnet_uri: string
  file_path?: string | undefined
  resolution?: string | null | undefined
  source?: string | null | undefined
}

export interface UnassignResult { assignment: Assignment, torrentRemoved: boolean }

export class AssignmentService {
  private readonly repo: AssignmentRepository
  private readonly torrents: TorrentService
  private readonly log: Logger
  private readonly onAssigned: (a: Assignment) => void

  /** `onAssigned`: after an assignment is stored (the streaming layer warms the file). */
  constructor (repo: AssignmentRepository, torrents: TorrentService, log: Logger, onAssigned: (a: Assignment) => void = () => {}) {
    this.repo = repo
    this.torrents = torrents
    this.log = log
    this.onAssigned = onAssigned
  }

  /**
   * Validates the magnet, joins the swarm and waits for metadata (add_timeout -> 504,
   * nothing stored), checks the file, then stores the assignment.
   */
  async assign (itemType: ItemType, itemId: number, input: AssignInput): Promise<Assignment> {
    this.requireItem(itemType, itemId)
    const ref = parseTorrentRef(input.magnet_uri)
    const torrent = await this.torrents.getOrAddTorrent(ref.infoHash, ref.magnetUri)
    const file = input.file_path !== undefined && input.file_path.trim() !== ''
      ? findFile(torrent.info.files, input.file_path, torrent.info.name)
      : chooseFile(torrent.info.files, itemType === 'episode' ? this.repo.episodeNumbers(itemId) ?? undefined : undefined)
    // The item may have been deleted while we waited for metadata.
    this.requireItem(itemType, itemId)
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
    this.onAssigned(assignment)
    return assignment
  }

  /** Deactivates the item's assignment; optionally removes the torrent when nothing else uses it. */
  async unassign (itemType: ItemType, itemId: number, removeTorrent: boolean): Promise<UnassignResult> {
    this.requireItem(itemType, itemId)
    const active = this.repo.getActive(itemType, itemId)
    if (active === null) throw new NotFoundError(`${itemType} ${itemId} has no torrent assigned`)
    this.repo.deactivate(active.id)
    let torrentRemoved = false
    if (removeTorrent && this.repo.activeByHash(active.infoHash).length === 0) {
      await this.torrents.removeTorrent(active.infoHash)
      torrentRemoved = true
    }
    this.log.info({ itemType, itemId, infoHash: active.infoHash, torrentRemoved }, 'unassigned')
    return { assignment: { ...active, isActive: false }, torrentRemoved }
  }

  active (itemType: ItemType, itemId: number): Assignment | null {
    return this.repo.getActive(itemType, itemId)
  }

  usersOf (infoHash: string): Assignment[] {
    return this.repo.activeByHash(infoHash)
  }

  /** Removes a torrent; 409 while active assignments use it unless `force` (which deactivates them). */
  async removeTorrent (infoHash: string, force: boolean): Promise<{ deactivated: number }> {
    const users = this.repo.activeByHash(infoHash)
    if (this.torrents.getTorrent(infoHash) === undefined && users.length === 0) {
      throw new NotFoundError(`no torrent ${infoHash} is loaded`)
    }
    if (users.length > 0 && !force) {
      throw new ConflictError(`torrent ${infoHash} is assigned to ${users.length} library item(s); unassign them first or pass ?force=true`,
        { assignments: users.map((a) => ({ item_type: a.itemType, item_id: a.itemId })) })
    }
    for (const a of users) this.repo.deactivate(a.id)
    await this.torrents.removeTorrent(infoHash)
    return { deactivated: users.length }
  }

  getTorrent (infoHash: string): Torrent {
    const t = this.torrents.getTorrent(infoHash)
    if (t === undefined) throw new NotFoundError(`no torrent ${infoHash} is loaded`)
    return t
  }

  private requireItem (itemType: ItemType, itemId: number): void {
    if (!this.repo.itemExists(itemType, itemId)) throw new NotFoundError(`${itemType} ${itemId} does not exist`)
  }
}

function emptyToNull (s: string | null | undefined): string | null {
  return s === undefined || s === null || s.trim() === '' ? null : s.trim()
}
