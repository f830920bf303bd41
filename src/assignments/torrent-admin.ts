// Torrent administration for the REST API: a loaded torrent, the library items using it, and
// removal guarded by those users. Forced removal deactivates the assignments first and
// publishes each as unassigned, like an unassign does.
import { ConflictError, NotFoundError } from '../errors.ts'
import type { AssignmentRepository } from './repository.ts'
import type { Assignment } from './types.ts'
import type { Torrent, TorrentService } from '../torrent/types.ts'
import type { AssignmentEvents } from './events.ts'
import { deactivated } from './mapper.ts'

export class TorrentAdmin {
  constructor (
    private readonly repo: AssignmentRepository,
    private readonly torrents: TorrentService,
    private readonly events: AssignmentEvents
  ) {}

  /** The loaded torrent; NotFoundError when it is not loaded. */
  getTorrent (infoHash: string): Torrent {
    const t = this.torrents.getTorrent(infoHash)
    if (t === undefined) throw new NotFoundError(`no torrent ${infoHash} is loaded`)
    return t
  }

  /** Active assignments of files in the torrent. */
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
    for (const a of users) {
      this.repo.deactivate(a.id)
      this.events.unassigned(deactivated(a))
    }
    await this.torrents.removeTorrent(infoHash)
    return { deactivated: users.length }
  }
}
