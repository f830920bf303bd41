// The streaming layer's look at the library, once at startup: assigned files whose layout is
// known (opened before, maybe before a restart) are pinned in their loaded torrent without
// waking it, so listing the library never joins a swarm. From then on every change of an
// assignment arrives as an event (FileStreams.assigned/unassigned): assign, re-assign,
// unassign, forced torrent removal, and deleting a movie, show or episode. A file assigned
// with warm_on_assign off whose layout is already known is pinned the same way (pinKnown),
// and pins that did not fit the pin budget are tried again when an assignment ends and its
// pins are released (retry).
import type { Logger } from '../logger.ts'
import type { TorrentService } from '../torrent/types.ts'
import type { LibraryTreeSource, TreeAssignment } from '../library/tree-model.ts'
import { layoutKey, type LayoutCache } from './container/index.ts'
import { activeAssignments } from './next-episode.ts'
import { pinLayout, type AssignmentPins } from './pins.ts'
import type { StreamingSettings } from './prioritiser.ts'
import { collectWhenQuiet } from '../idle-collect.ts'

export interface LibraryCheckDeps {
  library: LibraryTreeSource
  torrents: TorrentService
  layouts: LayoutCache
  pins: AssignmentPins
  settings: StreamingSettings
  logger: Logger
}

export class LibraryCheck {
  constructor (private readonly d: LibraryCheckDeps) {}

  /**
   * At startup: pins every active assignment whose file's layout is known. With no layout
   * known (a fresh install, a cleared cache) nothing can be pinned: the library is not read.
   */
  run (): void {
    if (this.d.layouts.size === 0) return
    const library = this.d.library
    // the assignments alone when the library can read them so: the whole library (every title,
    // episode, date) is some 50 MiB of garbage at 10,000 movies and 30,000 episodes
    const assignments = library.activeAssignments?.() ?? activeAssignments(library.movies(), library.shows())
    for (const a of assignments) this.pinKnown(a)
    // the rows read are garbage now, in the old generation: an idle server would keep them
    collectWhenQuiet(true)
  }

  /** Pins the ones that did not fit the pin budget, now that an assignment's pins are gone. */
  retry (): void {
    for (const a of this.d.pins.unfit()) this.pinKnown(a)
  }

  /**
   * Pins the assigned file in its loaded torrent when its layout is known, leaving the torrent
   * asleep (the pieces come when it next wakes); nothing when it is pinned already.
   */
  pinKnown (a: TreeAssignment): void {
    if (this.d.pins.has(a.id)) return
    const torrent = this.d.torrents.getTorrent(a.infoHash)
    const file = torrent?.info.files[a.fileIndex]
    if (torrent === undefined || file === undefined || file.length !== a.fileSize) return
    const layout = this.d.layouts.get(layoutKey(a.infoHash, file.index, file.length))
    if (layout === undefined) return
    try {
      pinLayout(this.d.pins, a, torrent, file, layout, this.d.settings, false)
    } catch (err) {
      // a torrent closed under us (removed, shutting down): nothing to pin
      this.d.logger.debug({ err, infoHash: a.infoHash }, 'pin not taken')
    }
  }
}
