// The library as the VFS sees it: rows with their active assignments and the subtitles shown
// next to them, and a version number that moves on every change (see changes.ts), so the tree
// is never stale.
import type { LibraryTreeSource, TreeMovie, TreeShow, TreeSubtitle } from './tree-model.ts'
import type { ChangeTracker } from './changes.ts'
import { toTreeMovie, toTreeShows } from './mappers.ts'
import type { MovieRepository } from './movie-repository.ts'
import type { ShowRepository } from './show-repository.ts'

/** Shown subtitles of every item (subtitles/repository.ts allVisible). */
export type SubtitleRows = () => Array<TreeSubtitle & { itemType: 'movie' | 'episode', itemId: number }>

export function createTreeSource (movies: MovieRepository, shows: ShowRepository, changes: ChangeTracker, subtitles: SubtitleRows = () => []): LibraryTreeSource {
  const byItem = (): Map<string, TreeSubtitle[]> => {
    const map = new Map<string, TreeSubtitle[]>()
    for (const s of subtitles()) {
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
      return movies.all().map(toTreeMovie).map((m) => m.assignment === null ? m : { ...m, subtitles: subs.get(`movie:${m.id}`) ?? [] })
    },
    shows (): TreeShow[] {
      const subs = byItem()
      const tree = toTreeShows(shows.allShows(), shows.allSeasons(), shows.allEpisodes())
      if (subs.size === 0) return tree
      for (const show of tree) {
        for (const season of show.seasons) {
          for (const e of season.episodes) if (e.assignment !== null) e.subtitles = subs.get(`episode:${e.id}`) ?? []
        }
      }
      return tree
    },
    version (): number {
      return changes.version()
    }
  }
}
