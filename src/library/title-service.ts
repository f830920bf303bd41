// What the movie and show services share: their collaborators, and the rule that a TMDB id
// is in the library at most once (checked before TMDB is asked, so a duplicate costs nothing).
import { AssignmentEvents } from '../assignments/events.ts'
import { ConflictError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { TmdbClient } from '../tmdb/client.ts'
import { isUniqueViolation } from './sql.ts'
import type { MovieMeta } from '../tmdb/types.ts'
import type { NewTitle } from './title-table.ts'

interface TmdbLookup { findByTmdbId (tmdbId: number): { id: number, title: string } | undefined }

/** A title as TMDB describes it (a movie or a show), as it is first stored. */
export function titleFromTmdb (meta: MovieMeta): NewTitle {
  return { tmdb_id: meta.tmdbId, title: meta.title, year: meta.year, overview: meta.overview, poster_path: meta.posterPath, backdrop_path: meta.backdropPath }
}

/** A title added by hand: what the user typed, nothing else. */
export function titleByHand (req: { title: string, year: number | null }): NewTitle {
  return { tmdb_id: null, title: req.title, year: req.year, overview: null, poster_path: null, backdrop_path: null }
}

/** A class's public members: what a service needs of a collaborator, so tests can pass fakes. */
export type Public<T> = Pick<T, keyof T>

export abstract class TitleService<Repo extends TmdbLookup> {
  /** `events`: assignments ended by a delete are published as unassigned (pins go with them). */
  constructor (
    protected readonly repo: Repo,
    protected readonly tmdb: Public<TmdbClient>,
    protected readonly log: Logger,
    protected readonly events = new AssignmentEvents()
  ) {}

  /** 'movie' or 'show', for messages */
  protected abstract readonly kind: string

  /** TMDB's details of a title not yet in the library (409 naming the row that has it). */
  protected async fetchNew<Meta> (tmdbId: number, fetch: (tmdbId: number) => Promise<Meta>): Promise<Meta> {
    this.rejectDuplicate(tmdbId)
    return await fetch(tmdbId)
  }

  /**
   * Runs an insert; two adds of the same TMDB id that both passed fetchNew while TMDB answered
   * meet SQLite's UNIQUE constraint, and the second gets the same 409 as if it had come later.
   */
  protected insertOnce (tmdbId: number | null, insert: () => number): number {
    try {
      return insert()
    } catch (err) {
      if (isUniqueViolation(err) && tmdbId !== null) this.rejectDuplicate(tmdbId)
      throw err
    }
  }

  private rejectDuplicate (tmdbId: number): void {
    const existing = this.repo.findByTmdbId(tmdbId)
    if (existing !== undefined) {
      throw new ConflictError(`${this.kind} with tmdb_id ${tmdbId} is already in the library (id ${existing.id}, "${existing.title}")`, { id: existing.id })
    }
  }
}
