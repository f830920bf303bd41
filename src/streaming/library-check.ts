// The streaming layer's look at the library (at start, then every couple of seconds, a cheap
// version check): assigned files whose layout is known (opened before, maybe before a restart)
// are pinned in their loaded torrent without waking it, so listing the library never joins a
// swarm. Every change of an assignment arrives as an event (FileStreams.assigned/unassigned):
// assign, re-assign, unassign, forced torrent removal, and deleting a movie, show or episode.
// The periodic run stays for two things the events do not do yet: pinning a file assigned
// with warm_on_assign off whose layout is already known, and retrying pins that did not fit
// the pin budget once others are released. Its reconcile of pins and warm-ups is then a no-op
// safety net (a torrent is never removed or reloaded while an active assignment uses it).
import type { Logger } from '../logger.ts'
import type { TorrentService } from '../torrent/types.ts'
import type { LibraryTreeSource, TreeAssignment } from '../library/tree-model.ts'
import { layoutKey, type LayoutCache } from './container/index.ts'
import { activeAssignments } from './next-episode.ts'
import { pinLayout, type AssignmentPins } from './pins.ts'
import type { StreamingSettings } from './prioritiser.ts'
import type { NextEpisodeWarmer } from './warmup.ts'

export interface LibraryCheckDeps {
  library: LibraryTreeSource
  torrents: TorrentService
  layouts: LayoutCache
  pins: AssignmentPins
  warmer: NextEpisodeWarmer
  settings: StreamingSettings
  logger: Logger
}

export class LibraryCheck {
  private version = -1
  private assigned: TreeAssignment[] = []
  private ids = new Set<number>()

  constructor (private readonly d: LibraryCheckDeps) {}

  run (): void {
    const version = this.d.library.version()
    if (version !== this.version) {
      this.version = version
      this.assigned = activeAssignments(this.d.library.movies(), this.d.library.shows())
      this.ids = new Set(this.assigned.map((a) => a.id))
      this.d.warmer.reconcile(this.ids)
    }
    this.d.pins.reconcile(this.ids, (h) => this.d.torrents.getTorrent(h))
    for (const a of this.assigned) {
      if (this.d.pins.has(a.id)) continue
      const torrent = this.d.torrents.getTorrent(a.infoHash)
      const file = torrent?.info.files[a.fileIndex]
      if (torrent === undefined || file === undefined || file.length !== a.fileSize) continue
      const layout = this.d.layouts.get(layoutKey(a.infoHash, file.index, file.length))
      if (layout === undefined) continue
      try {
        pinLayout(this.d.pins, a, torrent, file, layout, this.d.settings, false)
      } catch (err) {
        // a torrent closed under us (removed, shutting down): the next run sees it gone
        this.d.logger.debug({ err, infoHash: a.infoHash }, 'pin not taken')
      }
    }
  }
}
