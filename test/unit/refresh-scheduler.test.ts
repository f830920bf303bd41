// RefreshScheduler with a fake clock and a fake refresher: nothing sleeps, a day passes in a
// few hundred clock steps. Each step flushes the promise jobs a refresh settles in.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { NotConfiguredError, NotFoundError, RateLimitedError, UpstreamError } from '../../src/errors.ts'
import { classifyRefreshFailure } from '../../src/library/refresh-errors.ts'
import { RefreshScheduler, isFinished } from '../../src/library/refresh-scheduler.ts'
import type { RefreshOutcome, RefreshTarget, ShowRefresher } from '../../src/library/refresh-types.ts'
import { libraryRefresher } from '../../src/library/refresh-source.ts'
import { fakeClock, type FakeClock } from '../helpers/clock.ts'

const log = pino({ level: 'silent' })
const H = 3_600_000
const DAY = 24 * H
const T0 = Date.parse('2024-03-10T00:00:00.000Z')

interface Call { id: number, at: number, signal: AbortSignal }
type Answer = RefreshOutcome | null | Error | Promise<RefreshOutcome | null>

/** A library of `shows`; `answer` decides each refresh (a running show by default). */
function fakeRefresher (clock: FakeClock, shows: RefreshTarget[], answer: (id: number, n: number) => Answer = () => running) {
  const calls: Call[] = []
  let active = 0
  let maxActive = 0
  const r = {
    calls,
    get maxActive () { return maxActive },
    isConfigured: true,
    shows,
    configured: () => r.isConfigured,
    listShows: () => r.shows,
    refresh: async (id: number, signal: AbortSignal): Promise<RefreshOutcome | null> => {
      calls.push({ id, at: clock.now() - T0, signal })
      active++
      maxActive = Math.max(maxActive, active)
      try {
        const a = answer(id, calls.filter((c) => c.id === id).length)
        if (a instanceof Error) throw a
        return await a
      } finally { active-- }
    }
  }
  const refresher: ShowRefresher = { configured: r.configured, shows: () => r.shows, refresh: r.refresh }
  return Object.assign(r, { refresher })
}

const running: RefreshOutcome = { status: 'Returning Series', addedEpisodes: 0 }
const ended: RefreshOutcome = { status: 'Ended', addedEpisodes: 0 }
const targets = (...ids: number[]): RefreshTarget[] => ids.map((id) => ({ id, tmdbId: 1000 + id }))

async function flush (): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Moves the clock `ms` forward in `step`s, letting settled refreshes schedule what follows. */
async function advance (clock: FakeClock, ms: number, step = 60_000): Promise<void> {
  await flush()
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done))
    await flush()
  }
}

function deferred<T> (): { promise: Promise<T>, resolve: (v: T) => void } {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => { resolve = r })
  return { promise, resolve }
}

/** `random` 0: passes begin at the head of the list, so the order is the library's */
function scheduler (clock: FakeClock, refresher: ShowRefresher, opts: { closeWaitMs?: number, random?: () => number } = {}): RefreshScheduler {
  return new RefreshScheduler(refresher, { intervalMs: DAY, logger: log, clock, random: () => 0, ...opts })
}

test('each show is refreshed once per interval, spread evenly, one at a time; manual shows skipped', async (t) => {
  const clock = fakeClock(T0)
  const f = fakeRefresher(clock, [...targets(1, 2, 3), { id: 4, tmdbId: null }])
  const s = scheduler(clock, f.refresher)
  t.after(async () => { await s.close() })
  s.start()
  s.start() // idempotent: no second schedule
  assert.equal(clock.pending(), 1)
  assert.equal(s.status().next_run_at, new Date(T0 + 4 * H).toISOString(), 'half a slot (24 h / 3 shows) in')
  await advance(clock, 2 * DAY)
  assert.deepEqual(f.calls.map((c) => [c.id, c.at / H]), [[1, 4], [2, 12], [3, 20], [1, 28], [2, 36], [3, 44]])
  assert.equal(f.maxActive, 1)
  const st = s.status()
  assert.deepEqual([st.state, st.shows_refreshed, st.failures, st.last_error, st.pending], ['waiting', 6, 0, null, 3], 'the third pass has just listed its shows')
  assert.equal(st.interval_seconds, 86_400)
  assert.equal(st.last_run_at, new Date(T0 + 44 * H).toISOString())
})

test('each process begins its passes at its own random point of the list, the same for all its passes', async (t) => {
  const clock = fakeClock(T0)
  const f = fakeRefresher(clock, targets(1, 2, 3, 4))
  const s = scheduler(clock, f.refresher, { random: () => 0.6 })
  t.after(async () => { await s.close() })
  s.start()
  await advance(clock, 2 * DAY)
  assert.deepEqual(f.calls.map((c) => [c.id, c.at / H]), [[3, 3], [4, 9], [1, 15], [2, 21], [3, 27], [4, 33], [1, 39], [2, 45]])
})

test('a slow refresh delays the next one instead of overlapping it; the pass keeps its slots', async (t) => {
  const clock = fakeClock(T0)
  const slow = deferred<RefreshOutcome | null>()
  const f = fakeRefresher(clock, targets(1, 2, 3), (id, n) => id === 1 && n === 1 ? slow.promise : running)
  const s = scheduler(clock, f.refresher)
  t.after(async () => { await s.close() })
  s.start()
  await advance(clock, 14 * H)
  assert.deepEqual(f.calls.map((c) => c.id), [1], 'show 2 waits for show 1 past its 12 h slot')
  assert.equal(s.status().state, 'refreshing')
  slow.resolve(running)
  await advance(clock, 7 * H)
  assert.deepEqual(f.calls.map((c) => [c.id, c.at / H]), [[1, 4], [2, 14], [3, 20]], 'show 2 at once, show 3 at its own slot')
  assert.equal(f.maxActive, 1)
})

test('paused while TMDB is not configured; resumes within a minute of a key appearing', async (t) => {
  const clock = fakeClock(T0)
  const f = fakeRefresher(clock, targets(1, 2))
  f.isConfigured = false
  const s = scheduler(clock, f.refresher)
  t.after(async () => { await s.close() })
  s.start()
  await advance(clock, 3 * DAY)
  assert.equal(f.calls.length, 0)
  assert.equal(s.status().state, 'paused')
  assert.equal(s.status().next_run_at, new Date(clock.now() + 60_000).toISOString())
  f.isConfigured = true
  await advance(clock, 60_000)
  const passStart = clock.now() - T0
  await advance(clock, DAY)
  assert.deepEqual(f.calls.map((c) => [c.id, c.at - passStart]), [[1, 6 * H], [2, 18 * H]])

  // a key that goes away mid-pass (NotConfiguredError) pauses too; the same show goes first after
  const g = fakeRefresher(clock, targets(7), (_id, n) => n === 1 ? new NotConfiguredError('no key') : running)
  const s2 = scheduler(clock, g.refresher)
  t.after(async () => { await s2.close() })
  s2.start()
  await advance(clock, 12 * H)
  assert.equal(s2.status().state, 'paused')
  await advance(clock, 60_000)
  assert.deepEqual(g.calls.map((c) => c.id), [7, 7])
  assert.equal(s2.status().shows_refreshed, 1)
})

test('a 429 backs off (Retry-After when given, else 60 s doubling), retries the same show, and moves the pass back', async (t) => {
  const clock = fakeClock(T0)
  const limited = (): Error => new UpstreamError('TMDB is rate limiting requests; try again shortly', { status: 503 })
  const f = fakeRefresher(clock, targets(1, 2, 3), (id, n) => {
    if (id === 1 && n <= 2) return limited() // no Retry-After: 60 s, then 120 s
    if (id === 2 && n === 1) return new RateLimitedError('slow down', 600) // Retry-After: 600 s
    return running
  })
  const s = scheduler(clock, f.refresher)
  t.after(async () => { await s.close() })
  s.start()
  await advance(clock, 4 * H + 60_000)
  assert.equal(s.status().state, 'backing_off')
  assert.equal(s.status().last_error?.show_id, 1)
  assert.match(s.status().last_error?.message ?? '', /rate limiting/)
  await advance(clock, DAY)
  const s1 = (x: number): number => x / 1000
  assert.deepEqual(f.calls.map((c) => [c.id, s1(c.at)]), [
    [1, s1(4 * H)], [1, s1(4 * H) + 60], [1, s1(4 * H) + 180],
    [2, s1(12 * H) + 180], [2, s1(12 * H) + 780],
    [3, s1(20 * H) + 780]
  ])
  const st = s.status()
  assert.deepEqual([st.shows_refreshed, st.failures], [3, 0], 'a rate limit is a wait, not a failure')
  assert.equal(f.maxActive, 1)
})

test('"Ended" and "Canceled" shows are refreshed every 7th pass, running ones every pass', async (t) => {
  const clock = fakeClock(T0)
  const f = fakeRefresher(clock, targets(1, 2, 3), (id) => id === 1 ? ended : id === 2 ? { status: 'Canceled', addedEpisodes: 0 } : running)
  const s = scheduler(clock, f.refresher)
  t.after(async () => { await s.close() })
  s.start()
  await advance(clock, 15 * DAY, 10 * 60_000)
  const count = (id: number): number => f.calls.filter((c) => c.id === id).length
  assert.deepEqual([count(1), count(2), count(3)], [3, 3, 15], 'passes 1, 8 and 15 for the finished shows')
  const passOf = (c: Call): number => Math.floor(c.at / DAY) + 1
  assert.deepEqual(f.calls.filter((c) => c.id === 1).map(passOf), [1, 8, 15])
  assert.ok(isFinished('ended') && isFinished(' Cancelled ') && !isFinished('Returning Series') && !isFinished(null))
})

test('failures are recorded and the pass goes on; a failed show is retried next pass; a deleted one is forgotten', async (t) => {
  const clock = fakeClock(T0)
  const f = fakeRefresher(clock, targets(1, 2, 3), (id, n) => {
    if (id === 1 && n === 1) return new UpstreamError('TMDB answered HTTP 500 while fetching TV show 1001')
    if (id === 2) return null
    return { status: null, addedEpisodes: 2 }
  })
  const s = scheduler(clock, f.refresher)
  t.after(async () => { await s.close() })
  s.start()
  await advance(clock, DAY - 60_000)
  let st = s.status()
  assert.deepEqual([st.shows_refreshed, st.failures, st.episodes_added], [1, 1, 2])
  assert.deepEqual(st.last_error, { message: 'TMDB answered HTTP 500 while fetching TV show 1001', at: new Date(T0 + 4 * H).toISOString(), show_id: 1 })
  f.shows = targets(1, 3) // show 2 left the library
  await advance(clock, DAY)
  assert.deepEqual(f.calls.map((c) => [c.id, c.at / H]), [[1, 4], [2, 12], [3, 20], [1, 30], [3, 42]])
  st = s.status()
  assert.deepEqual([st.shows_refreshed, st.failures, st.episodes_added], [3, 1, 6])
})

test('close() mid-refresh aborts it, waits for it, and leaves no timer', async () => {
  const clock = fakeClock(T0)
  const hang = deferred<RefreshOutcome | null>()
  const f = fakeRefresher(clock, targets(1, 2), () => hang.promise)
  const s = scheduler(clock, f.refresher)
  s.start()
  await advance(clock, 6 * H + 60_000)
  assert.equal(f.calls.length, 1)
  let closed = false
  const closing = s.close().then(() => { closed = true })
  assert.equal(f.calls[0]?.signal.aborted, true)
  await flush()
  assert.equal(closed, false, 'waits for the refresh in flight')
  hang.resolve(running)
  await closing
  assert.equal(clock.pending(), 0)
  assert.equal(s.status().state, 'closed')
  await advance(clock, 2 * DAY)
  assert.equal(f.calls.length, 1, 'nothing runs after close')
  await s.close() // idempotent
})

test('close() gives up on a refresh that ignores the abort after closeWaitMs', async () => {
  const clock = fakeClock(T0)
  const f = fakeRefresher(clock, targets(1), () => new Promise<never>(() => {}))
  const s = scheduler(clock, f.refresher, { closeWaitMs: 5000 })
  s.start()
  await advance(clock, 12 * H)
  let closed = false
  const closing = s.close().then(() => { closed = true })
  await flush()
  clock.advance(4999)
  await flush()
  assert.equal(closed, false)
  clock.advance(1)
  await closing
  assert.equal(clock.pending(), 0)
})

test('intervalMs 0 disables; a library that cannot be listed is retried next interval', async (t) => {
  const clock = fakeClock(T0)
  const f = fakeRefresher(clock, targets(1))
  const off = new RefreshScheduler(f.refresher, { intervalMs: 0, logger: log, clock })
  off.start()
  assert.deepEqual([off.status().state, clock.pending()], ['disabled', 0])
  assert.throws(() => new RefreshScheduler(f.refresher, { intervalMs: -1, logger: log, clock }), RangeError)

  let broken = true
  const s = scheduler(clock, { ...f.refresher, shows: () => { if (broken) throw new Error('database is locked'); return targets(1) } })
  t.after(async () => { await s.close() })
  s.start()
  assert.equal(s.status().last_error?.message, 'database is locked')
  broken = false
  await advance(clock, DAY + 12 * H)
  assert.deepEqual(f.calls.map((c) => c.at / H), [36])
})

test('classifyRefreshFailure: 429s (TMDB\'s 503 mapping, retryAfter seconds), no key, everything else', () => {
  assert.deepEqual(classifyRefreshFailure(new UpstreamError('TMDB is rate limiting', { status: 503 })), { kind: 'rate_limited', waitMs: undefined })
  assert.deepEqual(classifyRefreshFailure(Object.assign(new UpstreamError('x', { status: 503 }), { retryAfter: 30 })), { kind: 'rate_limited', waitMs: 30_000 })
  assert.deepEqual(classifyRefreshFailure(new RateLimitedError('x', 2)), { kind: 'rate_limited', waitMs: 2000 })
  assert.deepEqual(classifyRefreshFailure(new NotConfiguredError('x')), { kind: 'not_configured' })
  for (const err of [new UpstreamError('timeout', { status: 504 }), new UpstreamError('bad key'), new NotFoundError('TMDB has no TV show 1'), new Error('boom'), 'text']) {
    assert.deepEqual(classifyRefreshFailure(err), { kind: 'failed' })
  }
})

test('libraryRefresher: lists every page, skips nothing itself, passes TMDB status on, null for a deleted show', async () => {
  const all = Array.from({ length: 1203 }, (_, i) => ({ id: i + 1, tmdb_id: i % 2 === 0 ? 5000 + i : null }))
  const deleted = new Set([9])
  const tmdb = { configured: false }
  const pages: number[] = []
  const r = libraryRefresher({
    list: (o) => { pages.push(o.offset); return { items: all.slice(o.offset, o.offset + o.limit), total: all.length, limit: o.limit, offset: o.offset } },
    refresh: async (id) => {
      if (deleted.has(id)) throw new NotFoundError(`show ${id} is not in the library`)
      if (id === 3) throw new NotFoundError('TMDB has no TV show 5002')
      return await Promise.resolve({ added_episodes: 4, tmdb_status: id === 1 ? 'Ended' : undefined })
    },
    get: (id) => { if (deleted.has(id)) throw new NotFoundError('gone'); return {} }
  }, tmdb)
  assert.equal(r.configured(), false)
  tmdb.configured = true
  assert.equal(r.configured(), true, 'read at every check')
  const shows = r.shows()
  assert.equal(shows.length, 1203)
  assert.deepEqual(pages, [0, 500, 1000])
  assert.deepEqual(shows[1], { id: 2, tmdbId: null })
  const signal = new AbortController().signal
  assert.deepEqual(await r.refresh(1, signal), { status: 'Ended', addedEpisodes: 4 })
  assert.deepEqual(await r.refresh(5, signal), { status: null, addedEpisodes: 4 })
  assert.equal(await r.refresh(9, signal), null)
  await assert.rejects(r.refresh(3, signal), /TMDB has no TV show/, 'TMDB lost the show: a failure, the show is still here')
  await assert.rejects(r.refresh(1, AbortSignal.abort()), { name: 'AbortError' })
})
