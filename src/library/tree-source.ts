// The library as the VFS sees it: rows with their active assignments and the subtitles shown
// next to them, and a version number that moves on every change (see changes.ts), so the tree
// is never stale.
import type { LibraryTreeSource, TreeMovie, TreeShow, TreeSubtitle } from './tree-model.ts'
import type { ChangeTracker } from './changes.ts'
import { toTreeMovie, toTreeShows } from './mappers.ts'
import type { MovieRepository } from './movie-repository.ts'
import type { ShowRepository } from './show-repository.ts'
import { createTreeChangeLog } from './tree-changes.ts'
import type { Db } from '../db/open.ts'
import { fromRow, type AssignmentRow } from '../assignments/mapper.ts'

type ItemSubtitle = TreeSubtitle & { itemType: 'movie' | 'episode', itemId: number }
/**
 * Shown subtitles of every item (subtitles/repository.ts allVisible), or the repository itself:
 * its forItem lets one changed item read only its own subtitles.
 */
export type SubtitleRows = (() => ItemSubtitle[]) | { allVisible: () => ItemSubtitle[], forItem: (itemType: 'movie' | 'episode', itemId: number) => ItemSubtitle[] }

export function createTreeSource (db: Db, movies: MovieRepository, shows: ShowRepository, changes: ChangeTracker, subtitleRows: SubtitleRows = () => []): LibraryTreeSource {
  const all = typeof subtitleRows === 'function' ? subtitleRows : () => subtitleRows.allVisible()
  const forItem = typeof subtitleRows === 'function'
    ? (type: 'movie' | 'episode', id: number) => subtitleRows().filter((s) => s.itemType === type && s.itemId === id)
    : (type: 'movie' | 'episode', id: number) => subtitleRows.forItem(type, id)
  const log = createTreeChangeLog(db)
  // an item's active assignment as movies() and shows() join it (library/sql.ts), items only
  const active = db.prepare(`SELECT a.* FROM torrent_assignments a WHERE a.is_active = 1 AND (
    (a.item_type = 'movie' AND EXISTS (SELECT 1 FROM movies m WHERE m.id = a.item_id)) OR
    (a.item_type = 'episode' AND EXISTS (SELECT 1 FROM episodes e WHERE e.id = a.item_id)))
    ORDER BY a.item_type = 'episode', a.id`)
  const byItem = (): Map<string, TreeSubtitle[]> => {
    const map = new Map<string, TreeSubtitle[]>()
    for (const s of all()) {
      const key = `${s.itemType}:${s.itemId}`
      const list = map.get(key)
      if (list === undefined) map.set(key, [s])
      else list.push(s)
    }
    return map
  }
  return {
    movies (): TreeMovie[] {
      const subs = byItem()
      const out = movies.all().map(toTreeMovie)
      for (const m of out) {
        const list = m.assignment === null ? undefined : subs.get(`movie:${m.id}`)
        if (list !== undefined) m.subtitles = list
      }
      return out
    },
    shows (): TreeShow[] {
      const subs = byItem()
      const tree = toTreeShows(shows.allShows(), shows.allSeasons(), shows.allEpisodes())
      if (subs.size === 0) return tree
      for (const show of tree) {
        for (const season of show.seasons) {
          for (const e of season.episodes) {
            const list = e.assignment === null ? undefined : subs.get(`episode:${e.id}`)
            if (list !== undefined) e.subtitles = list
          }
        }
      }
      return tree
    },
    version (): number {
      return changes.version()
    },
    activeAssignments: () => (active.all() as AssignmentRow[]).map(fromRow),
    head: () => log.head(),
    changesSince: (seq) => log.since(seq),
    movie (id): TreeMovie | null {
      const row = movies.findById(id)
      if (row === undefined) return null
      const m = toTreeMovie(row)
      const subtitles = m.assignment === null ? [] : forItem('movie', id)
      if (subtitles.length > 0) m.subtitles = subtitles
      return m
    },
    show (id): TreeShow | null {
      const row = shows.findById(id)
      if (row === undefined) return null
      const tree = toTreeShows([row], shows.seasonsOf(id), shows.episodesOf(id))[0]!
      for (const season of tree.seasons) {
        for (const e of season.episodes) {
          const subtitles = e.assignment === null ? [] : forItem('episode', e.id)
          if (subtitles.length > 0) e.subtitles = subtitles
        }
      }
      return tree
    }
  }
}
