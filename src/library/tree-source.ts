// The library as the VFS sees it: rows with their active assignments, and a version number
// that moves on every change (see changes.ts), so the tree is never stale.
import type { LibraryTreeSource, TreeMovie, TreeShow } from './tree-model.ts'
import type { ChangeTracker } from './changes.ts'
import { toTreeMovie, toTreeShows } from './mappers.ts'
import type { MovieRepository } from './movie-repository.ts'
import type { ShowRepository } from './show-repository.ts'

export function createTreeSource (movies: MovieRepository, shows: ShowRepository, changes: ChangeTracker): LibraryTreeSource {
  return {
    movies (): TreeMovie[] {
      return movies.all().map(toTreeMovie)
    },
    shows (): TreeShow[] {
      return toTreeShows(shows.allShows(), shows.allSeasons(), shows.allEpisodes())
    },
    version (): number {
      return changes.version()
    }
  }
}
