// The refresh scheduler's contract: what it needs of the library (ShowRefresher), its options
// and the status it reports. refresh-source.ts implements ShowRefresher over ShowService.
import type { Logger } from '../logger.ts'
import type { Clock } from '../streaming/clock.ts'

export interface RefreshTarget {
  id: number
  /** null for a show added by hand: there is nothing to refresh it from, so it is skipped */
  tmdbId: number | null
}

export interface RefreshOutcome {
  /** TMDB's status of the show ("Returning Series", "Ended", "Canceled", ...); null when not known */
  status: string | null
  /** episodes the refresh added */
  addedEpisodes: number
}

/** What the scheduler needs of the library (see refresh-source.ts for the real one). */
export interface ShowRefresher {
  /** false while no TMDB key is set: the scheduler pauses */
  configured (): boolean
  /** every show of the library, read once per pass */
  shows (): RefreshTarget[]
  /**
   * Refreshes one show from TMDB: new seasons and episodes are added, existing rows (and so
   * their assignments) kept. null when the show has left the library. `signal` aborts on
   * close(); a refresh that cannot stop early is waited for at most `closeWaitMs`.
   */
  refresh (id: number, signal: AbortSignal): Promise<RefreshOutcome | null>
}

export interface RefreshSchedulerOptions {
  /** milliseconds between passes; 0 disables the scheduler */
  intervalMs: number
  logger: Logger
  /** now() in epoch milliseconds (status shows dates); wallClock by default */
  clock?: Clock
  /** a finished show is refreshed every this many passes (default 7: weekly for a daily interval) */
  finishedEvery?: number
  /** first wait after a rate limit that named none; doubles per repeat, at most intervalMs (default 60 s) */
  rateLimitWaitMs?: number
  /** how often a paused scheduler asks whether TMDB is configured (default 60 s, at most intervalMs) */
  pausedRecheckMs?: number
  /** longest wait in close() for a refresh in flight (default 10 s) */
  closeWaitMs?: number
  /** draws, once, where in the list of shows each pass begins (default Math.random; see the scheduler) */
  random?: () => number
}

/**
 * disabled: interval 0; stopped: not started; waiting: for the next show's slot or the next
 * pass; refreshing: a show now; paused: no TMDB key; backing_off: after a rate limit; closed.
 */
export const REFRESH_STATES = ['disabled', 'stopped', 'waiting', 'refreshing', 'paused', 'backing_off', 'closed'] as const
export type RefreshState = typeof REFRESH_STATES[number]

/** The scheduler's part of /api/status. Times are ISO 8601 UTC. */
export interface RefreshSchedulerStatus {
  state: RefreshState
  interval_seconds: number
  /** when the next show is refreshed, or the next pass lists the shows */
  next_run_at: string | null
  /** when the last refresh ended, successful or not */
  last_run_at: string | null
  last_error: { message: string, at: string, show_id: number | null } | null
  /** successful refreshes since start */
  shows_refreshed: number
  failures: number
  episodes_added: number
  /** shows still to refresh in this pass */
  pending: number
}
