// The library: repositories (all SQL), services (the rules) and the VFS tree source, built
// from one database connection. createLibrary is the only constructor the app uses.
import type { AssignmentEvents } from '../assignments/events.ts'
import type { Db } from '../db/open.ts'
import type { Logger } from '../logger.ts'
import type { TmdbClient } from '../tmdb/client.ts'
import type { LibraryTreeSource } from './tree-model.ts'
import { createChangeTracker } from './changes.ts'
import { MovieRepository } from './movie-repository.ts'
import { MovieService } from './movie-service.ts'
import { SearchService } from './search-service.ts'
import { ShowRepository } from './show-repository.ts'
import { ShowService } from './show-service.ts'
import { StatsRepository } from './stats-repository.ts'
import { createTreeSource, type SubtitleRows } from './tree-source.ts'
import type { LibraryCounts } from './types.ts'

export type { MovieService } from './movie-service.ts'
export type { ShowService } from './show-service.ts'
export type { SearchService } from './search-service.ts'

export interface Library {
  /** add (TMDB or manual) / get (with active assignment) / list / delete movies */
  movies: MovieService
  /** add with every season and episode / get (seasons, episodes, assignments) / list / refresh / delete; episode(id) */
  shows: ShowService
  /** TMDB search with each hit's library id */
  search: SearchService
  /** What the VFS builds its tree from; version() moves on every library or assignment change. */
  treeSource: LibraryTreeSource
  /** Row counts for /api/status. */
  counts (): LibraryCounts
  /**
   * Marks the tree stale. Writers outside the library (the assignment repository) call it
   * after each write; writes on the same connection are also noticed without it.
   */
  changed (): void
}

/**
 * `assignmentEvents`: where deleting an item publishes the assignments it ends; `subtitles`:
 * the subtitles the tree shows next to the videos.
 */
export function createLibrary (deps: { db: Db, tmdb: TmdbClient, logger: Logger, assignmentEvents?: AssignmentEvents, subtitles?: SubtitleRows }): Library {
  const changes = createChangeTracker(deps.db)
  const changed = (): void => { changes.changed() }
  const movieRepo = new MovieRepository(deps.db, changed)
  const showRepo = new ShowRepository(deps.db, changed)
  const stats = new StatsRepository(deps.db)
  const movies = new MovieService(movieRepo, deps.tmdb, deps.logger, deps.assignmentEvents)
  const shows = new ShowService(showRepo, deps.tmdb, deps.logger, deps.assignmentEvents)
  return {
    movies,
    shows,
    search: new SearchService(deps.tmdb, movies, shows),
    treeSource: createTreeSource(deps.db, movieRepo, showRepo, changes, deps.subtitles),
    counts: () => stats.counts(),
    changed
  }
}
