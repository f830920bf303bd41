// Media servers (Plex, Jellyfin, Emby) that read momoshtrem's WebDAV tree through a mount and
// are told when a folder in it changed, so they scan that folder at once instead of at their
// next full scan. These are the shapes the notifier is built from and reports.

export type MediaServerType = 'plex' | 'jellyfin' | 'emby'

export interface MediaServerSettings {
  type: MediaServerType
  /** the server's base URL, e.g. http://192.168.1.5:32400 (a path prefix such as /emby is kept) */
  url: string
  /** Plex: an X-Plex-Token; Jellyfin/Emby: an API key (Dashboard > API Keys) */
  token: string
  /**
   * Where this server mounts momoshtrem's WebDAV root, as the server itself sees it
   * ("/mnt/momoshtrem", inside its container if it runs in one; "M:\" on Windows).
   */
  libraryPath: string
  /** shown in status and logs; defaults to the type */
  name?: string
}

export interface MediaServerOptions {
  /** quiet time per server and folder before a refresh is sent: a burst of changes gives one */
  debounceMs: number
  /** retries after the first attempt for 5xx, 429 and network errors */
  maxRetries: number
  /** first back-off wait; doubles with each retry */
  backoffMs: number
  /** per request, body included */
  timeoutMs: number
  /** longest Retry-After honoured; a server asking for more is given up on for this change */
  maxRetryWaitMs: number
}

export const MEDIA_SERVER_DEFAULTS: Readonly<MediaServerOptions> = Object.freeze({
  debounceMs: 5000,
  maxRetries: 5,
  backoffMs: 2000,
  timeoutMs: 15_000,
  maxRetryWaitMs: 300_000
})

/** One configured server as /api/status shows it; never carries the token. */
export interface MediaServerStatus {
  name: string
  type: MediaServerType
  /** the base URL without credentials or query */
  url: string
  /** when a refresh last succeeded (ISO 8601) */
  lastOk: string | null
  /** the last refresh given up on; kept after later successes (compare `at` with lastOk) */
  lastError: { message: string, at: string } | null
  /** folders waiting: in their debounce, queued, or being sent */
  pending: number
}

/** What a client is asked to refresh: one folder, mapped to the server's own paths. */
export interface RefreshTarget {
  /** the changed folder as the server sees it (libraryPath + the WebDAV folder) */
  path: string
  /** false when the folder is no longer in the published tree (its last item was unassigned) */
  exists: boolean
  /** `path` when it exists, else its nearest parent still published (never above /Movies or /TV Shows) */
  nearestExisting: string
}

/** One server's API: a single refresh attempt, no retries (the queue retries). */
export interface MediaServerClient {
  /**
   * Asks the server to rescan `target`. Resolves when the server accepted; rejects with a
   * MediaServerError (http.ts) saying whether another attempt may help. `signal` aborts it.
   */
  refresh (target: RefreshTarget, signal: AbortSignal): Promise<void>
}
