// The published folder of an assigned item, for the media-server refresh: a movie's folder or an
// episode's season folder; null when the item is gone (a delete: the notifier then refreshes the
// whole Movies or TV Shows folder).
import type { Assignment } from '../assignments/types.ts'
import type { Library } from '../library/index.ts'
import { movieFolder, seasonFolder } from './paths.ts'

export function libraryFolderOf (library: Library): (a: Assignment) => string | null {
  return (a) => {
    try {
      if (a.itemType === 'movie') return movieFolder(library.movies.get(a.itemId))
      const e = library.shows.episode(a.itemId)
      return seasonFolder({ id: e.show_id, title: e.show_title, year: e.show_year }, e.season_number)
    } catch {
      return null
    }
  }
}
