// Tells every configured media server which folder of the published tree changed, so Plex,
// Jellyfin and Emby show an assigned file at once instead of at their next full scan. An assign
// must never wait on or fail because of a media server: changed() only starts a timer, and
// everything after it runs in the background (queue.ts), reporting through status() and the log.
import type { AssignmentListener } from '../assignments/events.ts'
import type { Assignment } from '../assignments/types.ts'
import type { Logger } from '../logger.ts'
import { systemClock, type Clock } from '../streaming/clock.ts'
import { MOVIES, TV_SHOWS } from '../vfs/tree.ts'
import { redact } from './http.ts'
import { JellyfinClient } from './jellyfin.ts'
import { normaliseFolder, serverPath } from './paths.ts'
import { PlexClient } from './plex.ts'
import { ServerQueue } from './queue.ts'
import { MEDIA_SERVER_DEFAULTS, type MediaServerClient, type MediaServerOptions, type MediaServerSettings, type MediaServerStatus } from './types.ts'

export interface MediaServerDeps {
  logger: Logger
  fetch?: typeof fetch | undefined
  /** timers (debounce, back-off, request timeouts); tests pass a fake one */
  clock?: Clock | undefined
  /**
   * Whether the published tree holds this folder now, asked once a folder's debounce ends. A
   * folder that is gone (its last item unassigned) is reported to Jellyfin/Emby as deleted and
   * scanned in Plex from its nearest parent still there. Without it every folder is taken to
   * exist, and Plex, which skips a missing path, keeps an unassigned item until its next scan.
   */
  exists?: ((webdavFolder: string) => boolean | Promise<boolean>) | undefined
}

/** Problems with one server's settings, each naming the field under `at`; empty when fine. */
export function mediaServerProblems (s: MediaServerSettings, at = 'media_servers[]'): string[] {
  const problems: string[] = []
  if (!['plex', 'jellyfin', 'emby'].includes(s.type)) problems.push(`${at}.type must be plex, jellyfin or emby`)
  let url: URL | null = null
  try { url = new URL(s.url) } catch { /* reported below */ }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) problems.push(`${at}.url must be an http:// or https:// URL`)
  if (s.token.trim() === '') problems.push(`${at}.token is empty`)
  if (!/^(\/|[A-Za-z]:[\\/]?|\\\\)/.test(s.libraryPath)) {
    problems.push(`${at}.library_path must be the absolute path where that server mounts the WebDAV root (e.g. /mnt/momoshtrem)`)
  }
  return problems
}

function clientFor (s: MediaServerSettings, http: { fetch: typeof fetch, clock: Clock, timeoutMs: number }): MediaServerClient {
  return s.type === 'plex' ? new PlexClient(s, http) : new JellyfinClient({ ...s, type: s.type }, http)
}

export class MediaServerNotifier {
  private readonly queues: ServerQueue[]
  private readonly log: Logger
  private closed = false

  /** Throws when mediaServerProblems() finds any (the config schema is expected to have caught them). */
  constructor (servers: readonly MediaServerSettings[], deps: MediaServerDeps, options: Partial<MediaServerOptions> = {}) {
    const problems = servers.flatMap((s, i) => mediaServerProblems(s, `media_servers[${i}]`))
    if (problems.length > 0) throw new Error(`invalid media server settings: ${problems.join('; ')}`)
    const opts = Object.freeze({ ...MEDIA_SERVER_DEFAULTS, ...options })
    const clock = deps.clock ?? systemClock
    const fetchFn = deps.fetch ?? (async (input, init) => await fetch(input, init))
    const http = { fetch: fetchFn, clock, timeoutMs: opts.timeoutMs }
    this.log = deps.logger
    this.queues = servers.map((s) => {
      const url = redact(new URL(s.url)).replace(/\?.*$/, '')
      const describe = { name: s.name ?? s.type, type: s.type, url }
      return new ServerQueue({
        client: clientFor(s, http),
        clock,
        logger: deps.logger.child({ server: describe.name, url }),
        options: opts,
        toServer: (folder) => serverPath(s.libraryPath, folder),
        exists: deps.exists,
        describe
      })
    })
  }

  /**
   * A folder of the published tree changed ('/Movies/Fight Club (1999)', '/TV Shows/Dark
   * (2017)/Season 01'; movieFolder/seasonFolder in paths.ts name them). Returns at once; never
   * throws. A path that is not a folder of the tree is logged and ignored.
   */
  changed (webdavFolder: string): void {
    if (this.closed) return
    try {
      const folder = normaliseFolder(webdavFolder)
      if (folder === null) {
        this.log.warn({ folder: webdavFolder }, 'not a folder of the published tree; no media server refresh')
        return
      }
      for (const q of this.queues) q.changed(folder)
    } catch (err) {
      this.log.error({ err, folder: webdavFolder }, 'media server refresh not scheduled')
    }
  }

  /**
   * An assignment listener calling changed() with `folderOf(assignment)` on both events. When
   * that gives null or throws (the item was deleted before the event, so its title is gone), the
   * whole /Movies or /TV Shows folder is refreshed instead: slower, but the server still learns.
   */
  listener (folderOf: (a: Assignment) => string | null): AssignmentListener {
    const notify = (a: Assignment): void => {
      let folder: string | null = null
      try {
        folder = folderOf(a)
      } catch (err) {
        this.log.debug({ err, assignment: a.id }, 'no folder for the assignment')
      }
      this.changed(folder ?? `/${a.itemType === 'movie' ? MOVIES : TV_SHOWS}`)
    }
    return { assigned: notify, unassigned: notify }
  }

  /** One entry per configured server, in configuration order. */
  status (): MediaServerStatus[] {
    return this.queues.map((q) => q.status())
  }

  /** Stops every timer and request; refreshes not yet sent are dropped. */
  async close (): Promise<void> {
    this.closed = true
    await Promise.all(this.queues.map(async (q) => { await q.close() }))
  }
}
