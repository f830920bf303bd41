// Rules for shows: adding a show stores every season TMDB lists (season 0 "Specials" too)
// with every episode, in one transaction after all fetches succeeded; refresh merges new
// episodes in without touching existing rows (their ids carry the assignments).
import { deactivated, fromColumns } from '../assignments/mapper.ts'
import { ConflictError, NotFoundError, UnprocessableError, isDomainError } from '../errors.ts'
import type { SeasonMeta, ShowMeta } from '../tmdb/types.ts'
import { toShow, toShowDetail } from './mappers.ts'
import type { EpisodeLocation, EpisodeWithAssignment, ShowRepository } from './show-repository.ts'
import { isUniqueViolation } from './sql.ts'
import { TitleService, titleByHand, titleFromTmdb, type Public } from './title-service.ts'
import type { AddRequest, ListOptions, Page, RefreshResult, Show, ShowDetail } from './types.ts'

/** An episode added by hand. */
export interface NewEpisode { seasonNumber: number, episodeNumber: number, name: string | null, airDate: string | null }
/** A change to an episode: undefined keeps a field, null clears it. */
export interface EpisodePatch { name?: string | null, airDate?: string | null }

const pad = (n: number): string => String(n).padStart(2, '0')

/** Season requests in flight at once: fast for long shows, gentle on TMDB's rate limit. */
const SEASON_CONCURRENCY = 4

export class ShowService extends TitleService<Public<ShowRepository>> {
  protected readonly kind = 'show'

  async add (req: AddRequest): Promise<ShowDetail> {
    let id: number
    if ('tmdbId' in req) {
      const meta = await this.fetchNew(req.tmdbId, async (id) => await this.tmdb.tv(id))
      const seasons = await this.fetchSeasons(meta)
      id = this.insertOnce(meta.tmdbId, () => this.repo.insertTree(titleFromTmdb(meta), seasons))
      this.log.info({ id, tmdbId: meta.tmdbId, seasons: seasons.length }, 'show added')
    } else {
      // a manual show has no seasons: there is no source to list them from
      id = this.repo.insertTree(titleByHand(req), [])
      this.log.info({ id, title: req.title }, 'show added manually')
    }
    return this.get(id)
  }

  get (id: number): ShowDetail {
    const show = this.repo.findById(id)
    if (show === undefined) throw new NotFoundError(`show ${id} is not in the library`)
    return toShowDetail(show, this.repo.seasonsOf(id), this.repo.episodesOf(id))
  }

  list (opts: ListOptions): Page<Show> {
    const { rows, total } = this.repo.list(opts)
    return { items: rows.map(toShow), total, limit: opts.limit, offset: opts.offset }
  }

  async refresh (id: number): Promise<RefreshResult> {
    const show = this.repo.findById(id)
    if (show === undefined) throw new NotFoundError(`show ${id} is not in the library`)
    if (show.tmdb_id === null) {
      throw new UnprocessableError(`show ${id} ("${show.title}") was added manually without a tmdb_id; there is nothing to refresh it from`)
    }
    const meta = await this.tmdb.tv(show.tmdb_id)
    const seasons = await this.fetchSeasons(meta)
    // the show may have been deleted while TMDB answered; merging would resurrect nothing
    // useful and fail on the foreign key, so answer as for any missing show
    if (this.repo.findById(id) === undefined) throw new NotFoundError(`show ${id} is not in the library`)
    const counts = this.repo.merge(id, titleFromTmdb(meta), seasons)
    this.log.info({ id, ...counts }, 'show refreshed')
    return { show: this.get(id), added_seasons: counts.addedSeasons, added_episodes: counts.addedEpisodes, updated_episodes: counts.updatedEpisodes, tmdb_status: meta.status ?? null }
  }

  /** Deletes the show with its seasons and episodes; their assignments end with them. */
  delete (id: number): void {
    const episodes = this.repo.episodesOf(id)
    if (!this.repo.delete(id)) throw new NotFoundError(`show ${id} is not in the library`)
    this.log.info({ id }, 'show deleted')
    this.assignmentsEnded(episodes)
  }

  /**
   * Adds an episode by hand (a manual show has no other source; a TMDB show may lack one, a
   * later refresh keeps it: episodes are matched by number). The season is created if needed.
   */
  addEpisode (showId: number, input: NewEpisode): EpisodeLocation {
    const show = this.repo.findById(showId)
    if (show === undefined) throw new NotFoundError(`show ${showId} is not in the library`)
    let id: number
    try {
      id = this.repo.insertEpisode(showId, input.seasonNumber, input.episodeNumber, input.name, input.airDate)
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
      const existing = this.repo.episodeIdByNumber(showId, input.seasonNumber, input.episodeNumber)
      throw new ConflictError(`"${show.title}" already has S${pad(input.seasonNumber)}E${pad(input.episodeNumber)}`, existing === undefined ? undefined : { id: existing })
    }
    this.log.info({ showId, season: input.seasonNumber, episode: input.episodeNumber, id }, 'episode added by hand')
    return this.episode(id)
  }

  /** Renames an episode or sets its air date; fields left out keep their value. */
  updateEpisode (id: number, patch: EpisodePatch): EpisodeLocation {
    const ep = this.episode(id)
    const name = patch.name === undefined ? ep.name : patch.name
    const airDate = patch.airDate === undefined ? ep.air_date : patch.airDate
    if (!this.repo.setEpisode(id, name, airDate)) throw new NotFoundError(`episode ${id} is not in the library`)
    return this.episode(id)
  }

  /** Deletes an episode (its assignments are deactivated); NotFoundError when unknown. */
  deleteEpisode (id: number): void {
    const episode = this.repo.episodeWithAssignment(id)
    if (episode === undefined || !this.repo.deleteEpisode(id)) throw new NotFoundError(`episode ${id} is not in the library`)
    this.log.info({ id }, 'episode deleted')
    this.assignmentsEnded([episode])
  }

  /**
   * Deleted episodes' assignments, as read before the delete: the database trigger deactivated
   * them in the same statement, and they are published as unassigned here.
   */
  private assignmentsEnded (episodes: EpisodeWithAssignment[]): void {
    for (const e of episodes) {
      const a = fromColumns(e, 'episode', e.id)
      if (a !== null) this.events.unassigned(deactivated(a))
    }
  }

  /** An episode with its season number and show (NotFoundError when unknown). */
  episode (id: number): EpisodeLocation {
    const ep = this.repo.findEpisode(id)
    if (ep === undefined) throw new NotFoundError(`episode ${id} is not in the library`)
    return ep
  }

  idOfTmdb (tmdbId: number): number | null {
    return this.repo.findByTmdbId(tmdbId)?.id ?? null
  }

  /** Details of every listed season, in order, SEASON_CONCURRENCY at a time. */
  private async fetchSeasons (meta: ShowMeta): Promise<SeasonMeta[]> {
    const numbers = meta.seasonNumbers
    const out: SeasonMeta[] = new Array(numbers.length)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < numbers.length) {
        const i = next++
        const n = numbers[i]!
        try {
          out[i] = await this.tmdb.season(meta.tmdbId, n)
        } catch (err) {
          // TMDB sometimes lists a season whose page is gone; keep the show, skip its episodes
          if (!isDomainError(err) || err.code !== 'not_found') {
            next = numbers.length // the add fails anyway: stop asking TMDB
            throw err
          }
          this.log.warn({ tmdbId: meta.tmdbId, season: n }, 'TMDB lists a season it has no details for')
          out[i] = { seasonNumber: n, name: null, airDate: null, episodes: [] }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(SEASON_CONCURRENCY, numbers.length) }, worker))
    return out
  }
}
