// The streaming layer's periodic look at the library (every couple of seconds, a cheap version
// check): pins of files that were unassigned, or whose torrent was removed, are released;
// warm-ups of unassigned episodes are dropped; assigned files whose layout is known (opened
// before, maybe before a restart) are pinned in their loaded torrent without waking it, so
// listing the library never joins a swarm. Files assigned while running arrive as events
// (FileStreams.assigned), not from here.
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
