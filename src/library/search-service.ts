// TMDB search for the UI, each hit marked with its library id when it is already added.
import type { TmdbClient } from '../tmdb/client.ts'
import type { SearchType } from '../tmdb/types.ts'
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

export class SearchService {
  constructor (private readonly tmdb: TmdbClient, private readonly movies: MovieService, private readonly shows: ShowService) {}

  async search (type: SearchType, query: string, page: number): Promise<SearchResults> {
    const res = await this.tmdb.search(type, query, page)
    const idOf = type === 'movie' ? (id: number) => this.movies.idOfTmdb(id) : (id: number) => this.shows.idOfTmdb(id)
    return {
      type,
      query,
      page: res.page,
      total_pages: res.totalPages,
      total_results: res.totalResults,
      results: res.results.map((h) => ({
        tmdb_id: h.tmdbId, title: h.title, year: h.year, overview: h.overview, poster_path: h.posterPath, library_id: idOf(h.tmdbId)
      }))
    }
  }
}
