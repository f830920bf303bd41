// The configuration: its shape, its defaults and the rule for each key. Key names follow
// the names users already have in their files; those names stay, new keys may be added.

export interface Config {
  server: {
    host: string
    port: number
    /** host names besides loopback names and IP literals accepted in the Host header (DNS rebinding) */
    public_hosts: string[]
    /** open HTTP connections at once; more are refused */
    max_connections: number
    /** seconds to receive a request's headers */
    headers_timeout: number
    /** seconds to receive a whole request (headers and body); responses may stream for hours */
    request_timeout: number
  }
  auth: { username: string, password: string, allow_anonymous_remote: boolean }
  database: { path: string }
  tmdb: { api_key: string, bearer_token: string, base_url: string, language: string, timeout: number, max_retries: number }
  vfs: { show_empty: boolean }
  library: {
    /** seconds between refreshes of each show from TMDB (staggered; 0 = never automatically) */
    refresh_interval: number
  }
  torrent: {
    metadata_folder: string
    cache_folder: string
    /** MB, across all torrents */
    global_cache_size: number
    /** piece files written past the page cache (O_DIRECT) where the filesystem allows */
    direct_writes: boolean
    /** seconds */
    add_timeout: number
    /** seconds a torrent loaded only for inspection (POST /api/torrents) stays unless assigned */
    inspect_timeout: number
    /** seconds */
    read_timeout: number
    idle_enabled: boolean
    /** seconds */
    idle_timeout: number
    /** seconds between idle checks */
    idle_check_interval: number
    start_paused: boolean
    listen_port: number
    dht: boolean
    dht_bootstrap: string[]
    utp: boolean
    tcp: boolean
    pex: boolean
    lsd: boolean
    /** 'allow' accepts and offers MSE/PE; 'require' drops plaintext peers; 'disable' never encrypts */
    encryption: 'allow' | 'require' | 'disable'
    trackers: string[]
    max_connections: number
    max_connections_per_torrent: number
    /** announce URLs kept per torrent (magnet + config); the rest are dropped */
    max_trackers: number
    /** peer hints (x.pe) kept per magnet */
    max_peer_hints: number
    /** torrents loaded at once (persisted ones included); an add beyond is refused */
    max_torrents: number
    /** magnets fetching metadata at once; an add beyond answers 503 */
    max_concurrent_adds: number
    /** KiB/s, 0 = unlimited */
    download_limit: number
    /** KiB/s, 0 = unlimited */
    upload_limit: number
  }
  streaming: {
    readahead_bytes: number
    urgent_bytes: number
    header_bytes: number
    footer_bytes: number
    /** seconds a closed file keeps its priorities, for players that probe and reopen */
    handle_grace: number
    /** fraction of an episode after which the next one is warmed up (0 disables) */
    next_episode_at: number
    /** a file assigned while running gets its layout located and its pins fetched at once */
    warm_on_assign: boolean
  }
  /** Plex, Jellyfin or Emby servers told to scan a folder as soon as its files change */
  media_servers: MediaServerConfig[]
  /** Torznab endpoints (Prowlarr per-indexer or aggregate, Jackett .../torznab/api) searched for releases */
  indexers: IndexerConfig[]
  releases: {
    /** ranking preferences, each list best first; tags read like release names ("WEB" is WEB-DL) */
    prefer: { resolutions: string[], sources: string[], codecs: string[] }
    /** fewer reported seeders drops a release */
    min_seeders: number
    /** GiB, 0 = no limit */
    max_size_gb: number
    /** whole words or quality tags that drop a release (CAM, TS, ...) */
    exclude: string[]
    /** seconds a live swarm health check may take per release */
    health_timeout: number
    /** seconds a health result is reused */
    health_cache: number
  }
  subtitles: {
    /** ISO 639-1 codes downloaded from OpenSubtitles after each assign (empty: only on request) */
    languages: string[]
    /** where downloaded subtitles are stored */
    folder: string
    opensubtitles: OpenSubtitlesConfig
  }
  logging: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' }
}

export interface MediaServerConfig {
  type: 'plex' | 'jellyfin' | 'emby'
  url: string
  /** X-Plex-Token, or a Jellyfin/Emby API key */
  token: string
  /** where that server mounts momoshtrem's WebDAV root (an rclone mount: /mnt/momoshtrem) */
  library_path: string
}

export interface IndexerConfig {
  name: string
  url: string
  api_key: string
  /** Torznab categories searched (default: 2000 movies, 5000 TV) */
  categories: number[]
  /** seconds per search of this indexer */
  timeout: number
}

export interface OpenSubtitlesConfig {
  /** consumer key from opensubtitles.com/consumers; empty = OpenSubtitles off */
  api_key: string
  /** account for downloads beyond the anonymous quota (both or neither) */
  username: string
  password: string
  base_url: string
  user_agent: string
  /** seconds per request */
  timeout: number
}

export const defaults: Config = {
  server: { host: '127.0.0.1', port: 4444, public_hosts: [], max_connections: 512, headers_timeout: 10, request_timeout: 30 },
  auth: { username: '', password: '', allow_anonymous_remote: false },
  database: { path: './data/momoshtrem.db' },
  tmdb: { api_key: '', bearer_token: '', base_url: 'https://api.themoviedb.org/3', language: 'en-US', timeout: 10, max_retries: 3 },
  vfs: { show_empty: true },
  library: { refresh_interval: 86400 },
  torrent: {
    metadata_folder: './data/torrents',
    cache_folder: './data/cache',
    global_cache_size: 4096,
    direct_writes: true,
    add_timeout: 60,
    inspect_timeout: 600,
    read_timeout: 120,
    idle_enabled: true,
    idle_timeout: 300,
    idle_check_interval: 30,
    start_paused: true,
    listen_port: 0,
    dht: true,
    dht_bootstrap: [],
    utp: true,
    tcp: true,
    pex: true,
    lsd: false,
    encryption: 'allow',
    trackers: [],
    max_connections: 200,
    max_connections_per_torrent: 50,
    max_trackers: 30,
    max_peer_hints: 50,
    max_torrents: 1000,
    max_concurrent_adds: 8,
    download_limit: 0,
    upload_limit: 0
  },
  streaming: {
    readahead_bytes: 33554432,
    urgent_bytes: 4194304,
    header_bytes: 10485760,
    footer_bytes: 5242880,
    handle_grace: 10,
    next_episode_at: 0.9,
    warm_on_assign: true
  },
  media_servers: [],
  indexers: [],
  releases: {
    prefer: { resolutions: ['1080p', '2160p', '720p'], sources: ['WEB-DL', 'BluRay', 'WEBRip', 'HDTV'], codecs: ['x264', 'x265'] },
    min_seeders: 1,
    max_size_gb: 0,
    exclude: ['CAM', 'TS', 'TC', 'SCR'],
    health_timeout: 15,
    health_cache: 600
  },
  subtitles: {
    languages: [],
    folder: './data/subtitles',
    opensubtitles: { api_key: '', username: '', password: '', base_url: 'https://api.opensubtitles.com/api/v1', user_agent: 'momoshtrem v0.1.0', timeout: 15 }
  },
  logging: { level: 'info' }
}

/** How one key is checked. Every key of `defaults` has exactly one rule. */
export type Rule =
  | { type: 'string', nonEmpty?: boolean, url?: boolean }
  | { type: 'int', min: number, max: number }
  | { type: 'number', min: number, max: number }
  | { type: 'bool' }
  | { type: 'enum', values: readonly string[] }
  | { type: 'list', url?: boolean, pattern?: RegExp, hint?: string }
  | { type: 'ints', min: number, max: number }
  /** a nested mapping with its own keys (subtitles.opensubtitles) */
  | { type: 'record', rules: Readonly<Record<string, Rule>> }
  /** a list of mappings (indexers): `required` keys must be set, the others default from `defaults` */
  | { type: 'records', rules: Readonly<Record<string, Rule>>, required: readonly string[], defaults: Readonly<Record<string, unknown>>, unique: string }

const str: Rule = { type: 'string' }
const path: Rule = { type: 'string', nonEmpty: true }
const bool: Rule = { type: 'bool' }
const port: Rule = { type: 'int', min: 0, max: 65535 }
const bytes: Rule = { type: 'int', min: 0, max: 2 ** 40 }

/** Sections are mappings of keys; a list section (indexers) has one rule for the whole list. */
export const rules: { [S in keyof Config]: Config[S] extends unknown[] ? Rule : { [K in keyof Config[S]]: Rule } } = {
  server: {
    host: { type: 'string', nonEmpty: true },
    port,
    public_hosts: { type: 'list' },
    max_connections: { type: 'int', min: 1, max: 100_000 },
    headers_timeout: { type: 'number', min: 1, max: 3600 },
    request_timeout: { type: 'number', min: 1, max: 3600 }
  },
  auth: { username: str, password: str, allow_anonymous_remote: bool },
  database: { path },
  tmdb: {
    api_key: str,
    bearer_token: str,
    base_url: { type: 'string', nonEmpty: true, url: true },
    language: str,
    timeout: { type: 'number', min: 0.1, max: 600 },
    max_retries: { type: 'int', min: 0, max: 10 }
  },
  vfs: { show_empty: bool },
  library: { refresh_interval: { type: 'number', min: 0, max: 86400 * 30 } },
  torrent: {
    metadata_folder: path,
    cache_folder: path,
    global_cache_size: { type: 'int', min: 1, max: 16 * 1024 * 1024 },
    direct_writes: bool,
    add_timeout: { type: 'number', min: 0.1, max: 86400 },
    inspect_timeout: { type: 'number', min: 0.1, max: 86400 * 7 },
    read_timeout: { type: 'number', min: 0.1, max: 86400 },
    idle_enabled: bool,
    idle_timeout: { type: 'number', min: 0.1, max: 86400 * 30 },
    idle_check_interval: { type: 'number', min: 0.05, max: 3600 },
    start_paused: bool,
    listen_port: port,
    dht: bool,
    dht_bootstrap: { type: 'list' },
    utp: bool,
    tcp: bool,
    pex: bool,
    lsd: bool,
    encryption: { type: 'enum', values: ['allow', 'require', 'disable'] },
    trackers: { type: 'list', url: true },
    max_connections: { type: 'int', min: 1, max: 10000 },
    max_connections_per_torrent: { type: 'int', min: 1, max: 10000 },
    max_trackers: { type: 'int', min: 0, max: 1000 },
    max_peer_hints: { type: 'int', min: 0, max: 10000 },
    max_torrents: { type: 'int', min: 1, max: 100_000 },
    max_concurrent_adds: { type: 'int', min: 1, max: 1000 },
    download_limit: { type: 'int', min: 0, max: 10_000_000 },
    upload_limit: { type: 'int', min: 0, max: 10_000_000 }
  },
  streaming: {
    readahead_bytes: bytes,
    urgent_bytes: bytes,
    header_bytes: bytes,
    footer_bytes: bytes,
    handle_grace: { type: 'number', min: 0, max: 3600 },
    next_episode_at: { type: 'number', min: 0, max: 1 },
    warm_on_assign: bool
  },
  media_servers: {
    type: 'records',
    required: ['type', 'url', 'token', 'library_path'],
    unique: 'url',
    defaults: {},
    rules: {
      type: { type: 'enum', values: ['plex', 'jellyfin', 'emby'] },
      url: { type: 'string', nonEmpty: true, url: true },
      token: { type: 'string', nonEmpty: true },
      library_path: { type: 'string', nonEmpty: true }
    }
  },
  indexers: {
    type: 'records',
    required: ['name', 'url', 'api_key'],
    unique: 'name',
    defaults: { categories: [], timeout: 15 },
    rules: {
      name: { type: 'string', nonEmpty: true },
      url: { type: 'string', nonEmpty: true, url: true },
      api_key: str,
      categories: { type: 'ints', min: 1, max: 999_999 },
      timeout: { type: 'number', min: 0.5, max: 300 }
    }
  },
  releases: {
    prefer: { type: 'record', rules: { resolutions: { type: 'list' }, sources: { type: 'list' }, codecs: { type: 'list' } } },
    min_seeders: { type: 'int', min: 0, max: 1_000_000 },
    max_size_gb: { type: 'number', min: 0, max: 100_000 },
    exclude: { type: 'list' },
    health_timeout: { type: 'number', min: 1, max: 300 },
    health_cache: { type: 'number', min: 0, max: 86400 }
  },
  subtitles: {
    languages: { type: 'list', pattern: /^[a-z]{2}(-[A-Z]{2})?$/, hint: 'ISO 639-1 codes such as en, de, pt-BR' },
    folder: path,
    opensubtitles: {
      type: 'record',
      rules: {
        api_key: str,
        username: str,
        password: str,
        base_url: { type: 'string', nonEmpty: true, url: true },
        user_agent: { type: 'string', nonEmpty: true },
        timeout: { type: 'number', min: 0.1, max: 600 }
      }
    }
  },
  logging: { level: { type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] } }
}
