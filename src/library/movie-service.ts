// Rules for movies: TMDB-backed or manual adds, one row per TMDB id, lookups, deletes.
import { deactivated, fromColumns } from '../assignments/mapper.ts'
import { NotFoundError } from '../errors.ts'
import { toMovie } from './mappers.ts'
import type { MovieRepository } from './movie-repository.ts'
import { TitleService, titleByHand, titleFromTmdb, type Public } from './title-service.ts'
import type { AddRequest, ListOptions, Movie, Page } from './types.ts'

export class MovieService extends TitleService<Public<MovieRepository>> {
  protected readonly kind = 'movie'

  async add (req: AddRequest): Promise<Movie> {
    const movie = 'tmdbId' in req
      ? titleFromTmdb(await this.fetchNew(req.tmdbId, async (id) => await this.tmdb.movie(id)))
      : titleByHand(req)
    const id = this.insertOnce(movie.tmdb_id, () => this.repo.insert(movie))
    this.log.info({ id, tmdbId: movie.tmdb_id, title: movie.title }, 'movie added')
    return this.get(id)
  }

  get (id: number): Movie {
    const row = this.repo.findById(id)
    if (row === undefined) throw new NotFoundError(`movie ${id} is not in the library`)
    return toMovie(row)
  }

  list (opts: ListOptions): Page<Movie> {
    const { rows, total } = this.repo.list(opts)
    return { items: rows.map(toMovie), total, limit: opts.limit, offset: opts.offset }
  }

  /**
   * Deletes the movie. The database trigger deactivates its assignment in the same statement;
   * read before, it is published as unassigned after.
   */
  delete (id: number): void {
    const row = this.repo.findById(id)
    if (row === undefined || !this.repo.delete(id)) throw new NotFoundError(`movie ${id} is not in the library`)
    this.log.info({ id }, 'movie deleted')
    const a = fromColumns(row, 'movie', id)
    if (a !== null) this.events.unassigned(deactivated(a))
  }

  /** The library id of the movie with this TMDB id, or null. */
  idOfTmdb (tmdbId: number): number | null {
    return this.repo.findByTmdbId(tmdbId)?.id ?? null
  }
}
