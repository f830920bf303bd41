// The library as the refresh scheduler sees it: its shows, and ShowService.refresh, whose
// contract is that existing seasons and episodes keep their ids and so their assignments.
import { isDomainError } from '../errors.ts'
import type { RefreshOutcome, RefreshTarget, ShowRefresher } from './refresh-types.ts'
import type { ListOptions, Page } from './types.ts'

/** What of ShowService the adapter uses (ShowService satisfies it). */
export interface RefreshableShows {
  list (opts: ListOptions): Page<{ id: number, tmdb_id: number | null }>
  /**
   * `tmdb_status` is TMDB's status of the show once ShowService passes it on; until then it is
   * absent and every show counts as running (refreshed every pass).
   */
  refresh (id: number): Promise<{ added_episodes: number, tmdb_status?: string | null }>
  /** throws NotFoundError when the show is not in the library */
  get (id: number): unknown
}

/** Shows listed per query: the list carries season and episode counts, so keep pages modest. */
const PAGE = 500

/**
 * `tmdb.configured` is read at every check, so a client that learns its key later resumes
 * the scheduler without a restart.
 */
export function libraryRefresher (shows: RefreshableShows, tmdb: { readonly configured: boolean }): ShowRefresher {
  const exists = (id: number): boolean => {
    try { shows.get(id); return true } catch { return false }
  }
  return {
    configured: () => tmdb.configured,
    shows: () => {
      const out: RefreshTarget[] = []
      for (let offset = 0; ; offset += PAGE) {
        const page = shows.list({ limit: PAGE, offset })
        for (const s of page.items) out.push({ id: s.id, tmdbId: s.tmdb_id })
        if (page.items.length < PAGE || offset + PAGE >= page.total) return out
      }
    },
    refresh: async (id, signal): Promise<RefreshOutcome | null> => {
      // ShowService.refresh takes no signal: its TMDB requests are bounded by tmdb.timeout,
      // and close() waits for it at most closeWaitMs; nothing new starts once aborted
      signal.throwIfAborted()
      try {
        const r = await shows.refresh(id)
        return { status: r.tmdb_status ?? null, addedEpisodes: r.added_episodes }
      } catch (err) {
        // deleted while queued (or while TMDB answered): not a failure, just gone. A show TMDB
        // itself no longer has is also not_found, but is still in the library: a failure.
        if (isDomainError(err) && err.code === 'not_found' && !exists(id)) return null
        throw err
      }
    }
  }
}
