// What a Torznab indexer is (its settings), what it can do (its caps) and what it answers (items).
// Torznab is the torrent flavour of Newznab, spoken by Prowlarr (per indexer: .../{id}/api) and
// Jackett (.../api/v2.0/indexers/{id}/results/torznab/).

/** One configured indexer; the composition root maps `indexers: [{name, url, api_key, ...}]` to this. */
export interface IndexerSettings {
  /** unique, shown to users and used in /api/indexers/:name */
  name: string
  /** the Torznab endpoint; query parameters already in it are kept */
  url: string
  apiKey: string
  /** `cat` for searches; movie searches use the 2xxx ones, TV searches the 5xxx ones (ids >= 100000 go to both) */
  categories?: number[]
  /** bounds every request to this indexer (caps and search together in one search) */
  timeoutMs: number
}

/** The search modes momoshtrem uses; Torznab names them by their caps element. */
export type SearchMode = 'search' | 'tv-search' | 'movie-search'

export interface ModeCaps {
  available: boolean
  /** lower-cased, e.g. ['q', 'season', 'ep', 'tvdbid', 'tmdbid'] */
  supportedParams: string[]
}

export interface CapsCategory {
  id: number
  name: string
  subcats: Array<{ id: number, name: string }>
}

export interface TorznabCaps {
  /** <server title>, e.g. "Prowlarr", "Jackett" */
  server: string | null
  limits: { max: number | null, default: number | null }
  /** only the modes the indexer listed */
  modes: Partial<Record<SearchMode, ModeCaps>>
  categories: CapsCategory[]
}

/** One <item> of a Torznab feed, as given (nothing checked against the query yet). */
export interface TorznabItem {
  title: string
  guid: string | null
  /** <link> or <enclosure url>: a .torrent URL, a proxied download URL or a magnet */
  link: string | null
  /** magneturl attribute (Prowlarr proxies it through an http URL that redirects to the magnet) */
  magnetUrl: string | null
  /** 40 lower-case hex characters, when the indexer gave a valid one */
  infoHash: string | null
  size: number | null
  seeders: number | null
  peers: number | null
  /** ISO 8601 */
  publishedAt: string | null
  categories: number[]
  imdbId: number | null
  tmdbId: number | null
  tvdbId: number | null
  /** 0 = freeleech; null when not given */
  downloadVolumeFactor: number | null
}

/**
 * What to look for: a movie, one episode, one season, or a whole show (its packs). Ids are
 * used when the indexer's caps take them; titles and years otherwise (and for matching).
 */
export type SearchQuery =
  | { kind: 'movie', title: string, year: number | null, tmdbId: number | null, imdbId?: string | null }
  | { kind: 'episode', showTitle: string, year?: number | null, tmdbId?: number | null, tvdbId?: number | null, season: number, episode: number, /** YYYY-MM-DD, matches daily-show names */ airDate?: string | null }
  | { kind: 'season', showTitle: string, year?: number | null, tmdbId?: number | null, tvdbId?: number | null, season: number }
  | { kind: 'show', showTitle: string, year?: number | null, tmdbId?: number | null, tvdbId?: number | null }
