// What the release searches know of a library item, read from the library: titles, years and
// TMDB ids (IMDb and TVDB ids are not stored; indexers that need them fall back to text).
import { NotFoundError } from '../errors.ts'
import type { Library } from '../library/index.ts'
import type { ReleaseItems } from '../api/routes/releases.ts'

/** null for an item that is not in the library (the routes answer 404). */
function orNull<T> (get: () => T): T | null {
  try { return get() } catch (err) { if (err instanceof NotFoundError) return null; throw err }
}

export function libraryItems (library: Library): ReleaseItems {
  return {
    movie: (id) => orNull(() => {
      const m = library.movies.get(id)
      return { title: m.title, year: m.year, tmdbId: m.tmdb_id, imdbId: null }
    }),
    show: (id) => orNull(() => {
      const s = library.shows.get(id)
      return { title: s.title, year: s.year, tmdbId: s.tmdb_id, tvdbId: null }
    }),
    episode: (id) => orNull(() => {
      const e = library.shows.episode(id)
      return { showTitle: e.show_title, year: e.show_year, tmdbId: e.show_tmdb_id, tvdbId: null, season: e.season_number, episode: e.episode_number, airDate: e.air_date }
    })
  }
}
