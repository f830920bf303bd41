// TMDB search and the trending/popular lists for the UI, each hit marked with its library id
// when it is already added.
import type { TmdbClient } from '../tmdb/client.ts'
import type { DiscoverList, SearchHit, SearchType } from '../tmdb/types.ts'
import type { MovieService } from './movie-service.ts'
import type { ShowService } from './show-service.ts'

export interface SearchResultItem {
  tmdb_id: number
  title: string
  year: number | null
  overview: string | null
  poster_path: string | null
  /** id of the movie or show in the library, null when not added */
  library_id: number | null
}

export interface SearchResults {
  type: SearchType
  query: string
  page: number
  total_pages: number
  total_results: number
  results: SearchResultItem[]
}

/** A hit of a trending or popular list: a search hit that says what it is. */
export interface DiscoverItem extends SearchResultItem {
  type: 'movie' | 'show'
}

export interface DiscoverPage {
  items: DiscoverItem[]
  page: number
  total_pages: number
}

export class SearchService {
  constructor (private readonly tmdb: Pick<TmdbClient, 'search' | 'discover'>, private readonly movies: Pick<MovieService, 'idOfTmdb'>, private readonly shows: Pick<ShowService, 'idOfTmdb'>) {}

  async search (type: SearchType, query: string, page: number): Promise<SearchResults> {
    const res = await this.tmdb.search(type, query, page)
    return {
      type,
      query,
      page: res.page,
      total_pages: res.totalPages,
      total_results: res.totalResults,
      results: this.items(type, res.results)
    }
  }

  /** A page of TMDB's trending (this week) or popular movies or shows. */
  async discover (list: DiscoverList, type: 'movie' | 'show', page: number): Promise<DiscoverPage> {
    const res = await this.tmdb.discover(list, type === 'movie' ? 'movie' : 'tv', page)
    return {
      items: this.items(type === 'movie' ? 'movie' : 'tv', res.results).map((item) => ({ ...item, type })),
      page: res.page,
      total_pages: res.totalPages
    }
  }

  private items (type: SearchType, hits: SearchHit[]): SearchResultItem[] {
    const idOf = type === 'movie' ? (id: number) => this.movies.idOfTmdb(id) : (id: number) => this.shows.idOfTmdb(id)
    return hits.map((h) => ({
      tmdb_id: h.tmdbId, title: h.title, year: h.year, overview: h.overview, poster_path: h.posterPath, library_id: idOf(h.tmdbId)
    }))
  }
}
