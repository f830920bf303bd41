// The API's shapes as the UI reads them (src/api/schemas/*.ts are the source; fields added by
// newer servers are optional here, so an older server renders too).

export interface ApiErrorBody { error: { code: string, message: string, details?: Record<string, unknown> } }

export interface Page<T> { items: T[], total: number, limit: number, offset: number }

export interface ItemAssignment {
  id: number
  info_hash: string
  magnet_uri: string
  file_path: string
  file_index: number
  file_size: number
  resolution: string | null
  source: string | null
  created_at: string
}

export interface Assignment extends ItemAssignment {
  item_type: 'movie' | 'episode'
  item_id: number
  is_active: boolean
}

interface Title {
  id: number
  tmdb_id: number | null
  title: string
  year: number | null
  overview: string | null
  poster_path: string | null
  backdrop_path?: string | null
  created_at: string
}

export interface Movie extends Title {
  assignment: ItemAssignment | null
  assigned?: boolean
}

export interface Show extends Title {
  season_count: number
  episode_count: number
  episodes_assigned?: number
  episodes_total?: number
  episodes_missing?: number
}

export interface Episode {
  id: number
  episode_number: number
  name: string | null
  air_date: string | null
  created_at: string
  assignment: ItemAssignment | null
}

export interface Season {
  id: number
  season_number: number
  name: string | null
  air_date: string | null
  created_at: string
  episodes: Episode[]
}

export interface ShowDetail extends Show { seasons: Season[] }

export interface SearchResult {
  tmdb_id: number
  title: string
  year: number | null
  overview: string | null
  poster_path: string | null
  library_id: number | null
}

export interface SearchResults { type: string, query: string, page: number, total_pages: number, total_results: number, results: SearchResult[] }

export interface DiscoverItem extends SearchResult { type: 'movie' | 'show' }
export interface DiscoverPage { items: DiscoverItem[], page: number, total_pages: number }

export interface Status {
  status: 'ok'
  version: string
  started_at: string
  uptime_seconds: number
  tmdb_configured: boolean
  counts: { movies: number, shows: number, seasons: number, episodes: number, active_assignments: number }
  cache: { used_bytes: number, limit_bytes: number }
  torrents: { loaded: number }
  subtitles: { opensubtitles_configured: boolean, languages: string[], last_error: { message: string, at: string } | null }
  media_servers: Array<{ name: string, type: string, url: string, last_ok: string | null, last_error: { message: string, at: string } | null, pending: number }>
  show_refresh: {
    state: string
    interval_seconds: number
    next_run_at: string | null
    last_run_at: string | null
    last_error: { message: string, at: string, show_id: number | null } | null
    shows_refreshed: number
    failures: number
    episodes_added: number
    pending: number
  }
}

export interface Indexer {
  name: string
  url: string
  caps: unknown
  caps_fetched_at: string | null
  last_error: { code: string, message: string, at: string } | null
  last_success_at: string | null
  retry_at: string | null
}

export interface Quality { resolution: string | null, source: string | null, codec: string | null, hdr: string | null, audio: string | null }

export interface Release {
  id: string
  name: string
  info_hash: string | null
  magnet_uri: string | null
  size: number | null
  seeders: number | null
  peers: number | null
  indexers: string[]
  published_at: string | null
  categories: number[]
  freeleech: boolean
  group: 'movie' | 'episode' | 'pack'
  rank: number
  score: number
  reasons: string[]
  pack: string | null
  parsed: { title: string, year: number | null, seasons: number[], episodes: number[], date: string | null, release_group: string | null, proper: boolean, repack: boolean }
  quality: Quality
}

export interface ReleaseAnswer {
  releases: Release[]
  dropped: Array<{ id: string, name: string, indexers: string[], reason: string }>
  indexers: Array<{ name: string, ok: boolean, count: number, ms: number, error?: { code: string, message: string, retry_after?: number } }>
}

export interface Health {
  infoHash: string
  peersFound: number
  peersReached: number
  seeders: number
  leechers: number
  metadata: boolean
  name?: string
  size?: number
  files?: number
  ms: number
  checkedAt: string
  cached: boolean
  error?: string
}

export type FileKind = 'video' | 'subtitle' | 'sample' | 'other'
export interface TorrentFile { index: number, path: string, size: number, kind?: FileKind }

export interface TorrentMeta {
  info_hash: string
  name: string
  length: number
  piece_length: number
  piece_count: number
  files: TorrentFile[]
}

export interface TorrentSummary {
  info_hash: string
  name: string | null
  state: string
  progress: number
  piece_count: number
  piece_length: number
  pieces_cached: number
  peers: number
  seeders: number
  known_peers: number
  download_rate: number
  upload_rate: number
  downloaded: number
  wasted: number
  uploaded: number
  cache_bytes: number
  idle: boolean
  added_at: string
  last_activity: string | null
  assignments: number
}

export interface StreamingFile {
  file_index: number
  reads: number
  bytes: number
  errors: number
  p50_ms: number | null
  p99_ms: number | null
  stalls: number
  opens: number
  reopens: number
  layout_probes: number
  open_handles: number
  parked_readers: number
  layout: { format: string, media_offset: number | null, ranges: Array<{ offset: number, length: number, reasons: string[] }> } | null
  index_ready_ms: number | null
  pinned_bytes: number
}

export interface Peer { address: string, client: string | null, download_rate: number, upload_rate: number, seeder: boolean }

/** `peers` is a count in the list; in the detail, newer servers list the connected peers there. */
export interface TorrentDetail extends Omit<TorrentSummary, 'peers'> {
  peers: number | Peer[]
  length: number
  files: TorrentFile[]
  /** title, show_id and season: from servers that name the items */
  used_by: Array<{ item_type: string, item_id: number, file_path: string, title?: string, show_id?: number, season?: number }>
  streaming?: {
    files: StreamingFile[]
    recent_stalls: Array<{ file_index: number, piece_index: number, peers: number, waited_ms: number, at: string }>
    next_episode_warmups: Array<{ assignment_id: number, file_index: number }>
  }
}

export interface PieceMap { piece_count: number, piece_length: number, map: string }

export interface PackFile {
  path: string
  file_index: number
  size: number
  episodes: string
  confidence: 'high' | 'medium' | 'low'
  reason: string
  quality: Quality
}

export interface PackEpisode {
  episode_id: number
  season: number
  episode: number
  name: string | null
  action: 'assign' | 'replace' | 'keep' | 'same' | 'review' | 'missing'
  file: PackFile | null
  existing: { assignment_id: number, info_hash: string, file_path: string } | null
  assignment_id: number | null
}

export interface PackPlan {
  show_id: number
  info_hash: string
  torrent_name: string
  season: number | null
  dry_run: boolean
  replace: boolean
  episodes: PackEpisode[]
  unmatched_files: Array<{ path: string, file_index: number, size: number, reason: string }>
  missing_episodes: Array<{ episode_id: number, season: number, episode: number }>
  stored: Array<{ episode_id: number, assignment_id: number, file_path: string }>
  counts: { episodes: number, matched: number, stored: number, kept: number, review: number, missing: number, unmatched_files: number }
}

export interface Subtitle {
  id: number
  item_type: 'movie' | 'episode'
  item_id: number
  origin: 'torrent' | 'opensubtitles'
  language: string | null
  forced: boolean
  sdh: boolean
  format: string
  size: number
  file_path: string | null
  info_hash: string | null
  external_id: string | null
  release: string | null
  created_at: string
}

export interface SubtitleCandidate {
  file_id: number
  file_name: string | null
  language: string
  language_tag: string
  forced: boolean
  hearing_impaired: boolean
  moviehash_match: boolean
  machine_translated: boolean
  ai_translated: boolean
  download_count: number
  release: string | null
  uploader: string | null
  url: string | null
}

export interface SubtitleSearch { movie_hash: string | null, items: SubtitleCandidate[], best: Array<{ language: string, file_id: number, reason: string }> }
