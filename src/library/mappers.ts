// Pure mappers: database rows -> API shapes and -> VFS tree shapes.
import type { TreeEpisode, TreeMovie, TreeSeason, TreeShow } from './tree-model.ts'
import { fromColumns, toItemAssignmentJson } from '../assignments/mapper.ts'
import type { AssignmentColumns } from '../assignments/types.ts'
import type {
  Episode, EpisodeRow, MovieRow, Movie, Season, SeasonRow, Show,
  ShowDetail, ShowListRow, ShowRow
} from './types.ts'

/** The columns movies and shows share (joined rows carry more; they must not leak). */
function itemFields (r: MovieRow): MovieRow {
  return { id: r.id, tmdb_id: r.tmdb_id, title: r.title, year: r.year, overview: r.overview, poster_path: r.poster_path, backdrop_path: r.backdrop_path, created_at: r.created_at }
}

export function toMovie (r: MovieRow & AssignmentColumns): Movie {
  const assignment = toItemAssignmentJson(fromColumns(r, 'movie', r.id))
  return { ...itemFields(r), assigned: assignment !== null, assignment }
}

export function toShow (r: ShowListRow): Show {
  return {
    ...itemFields(r),
    season_count: r.season_count,
    episode_count: r.episode_count,
    episodes_total: r.episode_count,
    episodes_assigned: r.episodes_assigned,
    episodes_missing: r.episodes_missing
  }
}

export function toEpisode (r: EpisodeRow & AssignmentColumns): Episode {
  return { id: r.id, episode_number: r.episode_number, name: r.name, air_date: r.air_date, created_at: r.created_at, assignment: toItemAssignmentJson(fromColumns(r, 'episode', r.id)) }
}

/** Groups episodes (any order) under their seasons; seasons keep the given order. */
function groupEpisodes<E extends { season_id: number }> (episodes: E[]): Map<number, E[]> {
  const bySeason = new Map<number, E[]>()
  for (const e of episodes) {
    const list = bySeason.get(e.season_id)
    if (list === undefined) bySeason.set(e.season_id, [e])
    else list.push(e)
  }
  return bySeason
}

export function toShowDetail (show: ShowListRow, seasons: SeasonRow[], episodes: Array<EpisodeRow & AssignmentColumns>): ShowDetail {
  const bySeason = groupEpisodes(episodes)
  const mapped: Season[] = seasons.map((s) => ({
    id: s.id,
    season_number: s.season_number,
    name: s.name,
    air_date: s.air_date,
    created_at: s.created_at,
    episodes: (bySeason.get(s.id) ?? []).map(toEpisode)
  }))
  return { ...toShow(show), seasons: mapped }
}

// ---- VFS tree ----

/** No subtitles: the tree source adds an item's subtitles only when it has some (an empty array per item is 1 MiB at 40,000). */
export function toTreeMovie (r: Pick<MovieRow, 'id' | 'title' | 'year' | 'created_at'> & AssignmentColumns): TreeMovie {
  return { id: r.id, title: r.title, year: r.year, createdAt: new Date(r.created_at), assignment: fromColumns(r, 'movie', r.id) }
}

/** Builds every show's tree from three flat lists (one query each instead of one per show). */
export function toTreeShows (shows: ShowRow[], seasons: SeasonRow[], episodes: Array<EpisodeRow & AssignmentColumns>): TreeShow[] {
  const bySeason = groupEpisodes(episodes)
  const byShow = new Map<number, TreeSeason[]>()
  for (const s of seasons) {
    const eps: TreeEpisode[] = (bySeason.get(s.id) ?? []).map((e) => ({
      id: e.id, episodeNumber: e.episode_number, name: e.name, createdAt: new Date(e.created_at), assignment: fromColumns(e, 'episode', e.id)
    }))
    const season: TreeSeason = { id: s.id, seasonNumber: s.season_number, createdAt: new Date(s.created_at), episodes: eps }
    const list = byShow.get(s.show_id)
    if (list === undefined) byShow.set(s.show_id, [season])
    else list.push(season)
  }
  return shows.map((s) => ({ id: s.id, title: s.title, year: s.year, createdAt: new Date(s.created_at), seasons: byShow.get(s.id) ?? [] }))
}
