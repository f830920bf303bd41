// Keeps shows current: every `intervalMs` a pass lists the library's shows and refreshes each
// one due from TMDB, one at a time, spread evenly over the interval (slot i of n at
// (i + 0.5) * interval / n), so a library of 500 shows costs TMDB one show every ~3 minutes,
// never a burst. A show TMDB calls "Ended" or "Canceled" is due only every `finishedEvery`-th
// pass. A rate limit moves the rest of the pass back by the wait and retries the same show;
// without a TMDB key the scheduler pauses and asks again every `pausedRecheckMs`.
//
// What it knows of each show (TMDB status, the pass it is next due) lives in memory only,
// persisted nowhere: after a restart every show is due once in the first pass (spread over
// the interval, so a restart causes no burst either), finished ones included, until their
// status is learned again. A process restarted daily thus refreshes finished shows daily too.
// Each process begins its passes at a random point of the list (kept for all its passes, so
// a show's refreshes stay an interval apart): one restarted more often than the interval
// still reaches every show over its restarts, not the same first ones each time.
import type { Logger } from '../logger.ts'
import type { Clock } from '../streaming/clock.ts'
import { classifyRefreshFailure } from './refresh-errors.ts'
import type { RefreshSchedulerOptions, RefreshSchedulerStatus, RefreshState, RefreshTarget, ShowRefresher } from './refresh-types.ts'

/** The process clock in epoch milliseconds: the schedule is reported as dates. */
export const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => { clearTimeout(h as NodeJS.Timeout) }
}

const FINISHED = new Set(['ended', 'canceled', 'cancelled'])
/** a Retry-After of 0 repeated would spin; wait at least this long */
const MIN_RATE_LIMIT_WAIT_MS = 1000

export function isFinished (status: string | null): boolean {
  return status !== null && FINISHED.has(status.trim().toLowerCase())
}

export class RefreshScheduler {
  private readonly clock: Clock
  private readonly log: Logger
  private readonly o: Required<Omit<RefreshSchedulerOptions, 'clock' | 'logger' | 'random'>>
  /** where each pass begins in the list, as a fraction of its length */
  private readonly rotation: number
  /** the pass each known show is next due in; shows not here are due now */
  private readonly dueIn = new Map<number, number>()
  private readonly abort = new AbortController()
  private pass = 0
  private passStart = 0
  private gap = 0
  private slot = 0
  private queue: number[] = []
  private timer: unknown
  private nextAt: number | undefined
  private state: RefreshState = 'stopped'
  private inflight: Promise<void> | undefined
  private closing: Promise<void> | undefined
  private rateLimits = 0
  private lastRunAt: number | undefined
  private lastError: RefreshSchedulerStatus['last_error'] = null
  private refreshed = 0
  private failures = 0
  private episodesAdded = 0

  constructor (private readonly refresher: ShowRefresher, opts: RefreshSchedulerOptions) {
    if (!Number.isFinite(opts.intervalMs) || opts.intervalMs < 0) throw new RangeError(`intervalMs must be >= 0, not ${opts.intervalMs}`)
    this.clock = opts.clock ?? wallClock
    this.log = opts.logger
    const interval = opts.intervalMs
    this.o = {
      intervalMs: interval,
      finishedEvery: Math.max(1, Math.floor(opts.finishedEvery ?? 7)),
      rateLimitWaitMs: opts.rateLimitWaitMs ?? 60_000,
      pausedRecheckMs: Math.min(opts.pausedRecheckMs ?? 60_000, interval),
      closeWaitMs: opts.closeWaitMs ?? 10_000
    }
    this.rotation = Math.min(Math.max((opts.random ?? Math.random)(), 0), 0.999_999)
  }

  /** Begins the first pass now (its first refresh half a slot later). Idempotent. */
  start (): void {
    if (this.state !== 'stopped') return
    if (this.o.intervalMs === 0) { this.state = 'disabled'; return }
    this.beginPass()
  }

  /** Stops every timer, aborts the refresh in flight and waits for it (at most closeWaitMs). */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      this.state = 'closed'
      this.clearTimer()
      this.abort.abort()
      const running = this.inflight
      if (running === undefined) return
      let handle: unknown
      const bound = new Promise<false>((resolve) => { handle = this.unref(this.clock.setTimeout(() => { resolve(false) }, this.o.closeWaitMs)) })
      const ended = await Promise.race([running.then(() => true), bound])
      this.clock.clearTimeout(handle)
      // the refresh writes in one transaction, so going on without it leaves nothing half-done
      if (!ended) this.log.warn({ waitedMs: this.o.closeWaitMs }, 'a show refresh did not stop in time; closing without it')
    })()
    return await this.closing
  }

  status (): RefreshSchedulerStatus {
    const iso = (t: number | undefined): string | null => t === undefined ? null : new Date(t).toISOString()
    return {
      state: this.state,
      interval_seconds: this.o.intervalMs / 1000,
      next_run_at: iso(this.nextAt),
      last_run_at: iso(this.lastRunAt),
      last_error: this.lastError,
      shows_refreshed: this.refreshed,
      failures: this.failures,
      episodes_added: this.episodesAdded,
      pending: this.queue.length
    }
  }

  private get closed (): boolean { return this.closing !== undefined }

  private beginPass (): void {
    if (!this.refresher.configured()) { this.pause(() => { this.beginPass() }); return }
    let targets: RefreshTarget[]
    try {
      targets = this.refresher.shows()
    } catch (err) {
      this.recordError(err, null)
      this.log.error({ err }, 'cannot list the shows to refresh; next interval tries again')
      this.wait(this.o.intervalMs, 'waiting', () => { this.beginPass() })
      return
    }
    const pass = ++this.pass
    const present = new Set(targets.map((t) => t.id))
    for (const id of this.dueIn.keys()) if (!present.has(id)) this.dueIn.delete(id)
    const due = targets.filter((t) => t.tmdbId !== null && (this.dueIn.get(t.id) ?? 0) <= pass).map((t) => t.id)
    const first = Math.floor(this.rotation * due.length)
    this.queue = [...due.slice(first), ...due.slice(0, first)]
    this.passStart = this.clock.now()
    this.slot = 0
    this.gap = this.o.intervalMs / Math.max(1, this.queue.length)
    this.log.info({ pass, due: this.queue.length, shows: targets.length }, 'show refresh pass')
    this.scheduleNext()
  }

  private scheduleNext (): void {
    const now = this.clock.now()
    if (this.queue.length === 0) {
      this.wait(this.passStart + this.o.intervalMs - now, 'waiting', () => { this.beginPass() })
    } else {
      this.wait(this.passStart + (this.slot + 0.5) * this.gap - now, 'waiting', () => { this.runNext() })
    }
  }

  private runNext (): void {
    if (!this.refresher.configured()) { this.pause(() => { this.runNext() }); return }
    const id = this.queue.shift()
    if (id === undefined) { this.scheduleNext(); return }
    this.slot++
    this.state = 'refreshing'
    const run: Promise<void> = this.refreshOne(id)
      .catch((err: unknown) => { this.log.error({ err, id }, 'show refresh scheduler failed') })
      .finally(() => { if (this.inflight === run) this.inflight = undefined })
    this.inflight = run
  }

  private async refreshOne (id: number): Promise<void> {
    try {
      const outcome = await this.refresher.refresh(id, this.abort.signal)
      this.lastRunAt = this.clock.now()
      this.rateLimits = 0
      if (outcome === null) {
        this.dueIn.delete(id) // deleted while queued
      } else {
        this.refreshed++
        this.episodesAdded += outcome.addedEpisodes
        this.dueIn.set(id, this.pass + (isFinished(outcome.status) ? this.o.finishedEvery : 1))
      }
    } catch (err) {
      if (this.closed) return // an aborted refresh is no failure
      this.lastRunAt = this.clock.now()
      this.recordError(err, id)
      const failure = classifyRefreshFailure(err)
      if (failure.kind === 'rate_limited') { this.backOff(id, failure.waitMs); return }
      if (failure.kind === 'not_configured') { this.retryFirst(id); this.pause(() => { this.runNext() }); return }
      this.log.warn({ id, err: this.lastError?.message }, 'show refresh failed; next pass tries again')
      this.failures++
      this.dueIn.set(id, this.pass + 1) // the next pass tries again
    }
    if (!this.closed) this.scheduleNext()
  }

  /** Retries `id` after the wait; the rest of the pass moves back by it, keeping its spacing. */
  private backOff (id: number, waitMs: number | undefined): void {
    const wait = Math.max(MIN_RATE_LIMIT_WAIT_MS, waitMs ?? Math.min(this.o.rateLimitWaitMs * 2 ** this.rateLimits, this.o.intervalMs))
    this.rateLimits++
    this.retryFirst(id)
    this.passStart += wait
    this.log.warn({ id, waitMs: wait, err: this.lastError?.message }, 'TMDB rate limit: show refresh backing off')
    this.wait(wait, 'backing_off', () => { this.runNext() })
  }

  private retryFirst (id: number): void {
    this.queue.unshift(id)
    this.slot--
  }

  private pause (then: () => void): void {
    if (this.state !== 'paused') this.log.info('TMDB is not configured: show refresh paused')
    this.wait(this.o.pausedRecheckMs, 'paused', then)
  }

  private recordError (err: unknown, showId: number | null): void {
    const message = err instanceof Error ? err.message : String(err)
    this.lastError = { message, at: new Date(this.clock.now()).toISOString(), show_id: showId }
  }

  private wait (ms: number, state: RefreshState, fn: () => void): void {
    this.clearTimer()
    if (this.closed) return
    const delay = Math.max(0, ms)
    this.state = state
    this.nextAt = this.clock.now() + delay
    this.timer = this.unref(this.clock.setTimeout(() => {
      this.timer = undefined
      this.nextAt = undefined
      fn()
    }, delay))
  }

  private clearTimer (): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
    this.nextAt = undefined
  }

  /** the schedule never keeps the process alive */
  private unref (handle: unknown): unknown {
    (handle as { unref?: () => void } | null)?.unref?.()
    return handle
  }
}
