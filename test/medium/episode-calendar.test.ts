// Upcoming and recent episodes on a real SQLite file (migrations applied), through the service
// and through the routes over loopback; and one scheduled refresh through the real library
// against the fake TMDB: new episodes arrive, ids and assignments stay. Until app.ts
// registers calendarRoutes, the server here is built like app.ts's /api scope.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'
import { openDatabase, type Db } from '../../src/db/open.ts'
import { migrate } from '../../src/db/migrate.ts'
import { createLibrary, type Library } from '../../src/library/index.ts'
import { CalendarRepository } from '../../src/library/calendar-repository.ts'
import { EpisodeCalendar, addDays } from '../../src/library/episode-calendar.ts'
import { RefreshScheduler } from '../../src/library/refresh-scheduler.ts'
import { libraryRefresher } from '../../src/library/refresh-source.ts'
import { calendarRoutes } from '../../src/api/routes/calendar.ts'
import { apiValidatorCompiler } from '../../src/api/validation.ts'
import { registerErrorHandling } from '../../src/http/errors.ts'
import { TmdbClient } from '../../src/tmdb/client.ts'
import { defaults } from '../../src/config/schema.ts'
import { tempDir } from '../helpers/app.ts'
import { apiClient } from '../helpers/api-client.ts'
import { fakeClock } from '../helpers/clock.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { waitFor } from '../helpers/wait.ts'

const log = pino({ level: 'silent' })
const HASH = 'c'.repeat(40)
/** 23:30 UTC: in any zone east of UTC the local date is already the 11th; "today" stays the 10th */
const NOW = new Date('2024-03-10T23:30:00.000Z')

function setup (t: TestContext, tmdb = new TmdbClient(defaults.tmdb, log)): { db: Db, library: Library, calendar: EpisodeCalendar } {
  const db = openDatabase(join(tempDir(t), 'lib.db'))
  t.after(() => { db.close() })
  migrate(db)
  return { db, library: createLibrary({ db, tmdb, logger: log }), calendar: new EpisodeCalendar(new CalendarRepository(db), () => NOW) }
}

function assign (db: Db, episodeId: number, active = true): void {
  db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, is_active, created_at)
    VALUES ('episode', ?, ?, ?, 'Show/S01E01.mkv', 0, 1234, ?, ?)`).run(episodeId, HASH, `magnet:?xt=urn:btih:${HASH}`, active ? 1 : 0, NOW.toISOString())
}

/** Two shows by hand with episodes around 2024-03-10; returns episode ids by "title SxEy". */
async function seeded (t: TestContext): Promise<ReturnType<typeof setup> & { ids: Record<string, number> }> {
  const s = setup(t)
  const ids: Record<string, number> = {}
  const add = (showId: number, title: string, season: number, episode: number, airDate: string | null): void => {
    ids[`${title} ${season}x${episode}`] = s.library.shows.addEpisode(showId, { seasonNumber: season, episodeNumber: episode, name: `${title} ${season}x${episode}`, airDate }).id
  }
  const alpha = (await s.library.shows.add({ title: 'Alpha', year: 2020 })).id
  const beta = (await s.library.shows.add({ title: 'beta', year: 2021 })).id // lower case: ordered without regard to case
  add(alpha, 'Alpha', 1, 1, '2024-03-09')
  add(alpha, 'Alpha', 1, 2, '2024-03-10')
  add(alpha, 'Alpha', 1, 3, '2024-03-17')
  add(alpha, 'Alpha', 1, 4, '2024-03-18')
  add(alpha, 'Alpha', 1, 5, null)
  add(beta, 'beta', 2, 1, '2024-03-10')
  add(beta, 'beta', 0, 1, '2024-03-03')
  add(beta, 'beta', 0, 2, '2024-03-02')
  assign(s.db, ids['Alpha 1x2']!)
  assign(s.db, ids['beta 2x1']!, false) // a deactivated assignment is no assignment
  return { ...s, ids }
}

const brief = (items: Array<{ name: string | null, air_date: string, assigned: boolean }>): string[] =>
  items.map((i) => `${i.name ?? '?'} ${i.air_date}${i.assigned ? ' assigned' : ''}`)

test('upcoming: today..today+N in UTC, by date then show (any case) then number, with assigned; limit keeps the total', async (t) => {
  const { calendar, ids } = await seeded(t)
  const page = calendar.upcoming()
  assert.deepEqual([page.from, page.to, page.total, page.limit], ['2024-03-10', '2024-03-17', 3, 100])
  assert.deepEqual(brief(page.items), ['Alpha 1x2 2024-03-10 assigned', 'beta 2x1 2024-03-10', 'Alpha 1x3 2024-03-17'])
  assert.deepEqual(page.items[0], { id: ids['Alpha 1x2'], show_id: page.items[2]!.show_id, show_title: 'Alpha', season_number: 1, episode_number: 2, name: 'Alpha 1x2', air_date: '2024-03-10', assigned: true })
  assert.deepEqual(brief(calendar.upcoming({ days: 8 }).items).at(-1), 'Alpha 1x4 2024-03-18')
  const cut = calendar.upcoming({ limit: 1 })
  assert.deepEqual([cut.items.length, cut.total, cut.limit], [1, 3, 1])
  assert.throws(() => calendar.upcoming({ days: 0 }), { code: 'invalid_input' })
  assert.throws(() => calendar.upcoming({ limit: 501 }), { code: 'invalid_input' })
})

test('recent: the N days before today, latest first, never today; episodes without a date never listed', async (t) => {
  const { calendar } = await seeded(t)
  const page = calendar.recent()
  assert.deepEqual([page.from, page.to, page.total], ['2024-03-03', '2024-03-09', 2])
  assert.deepEqual(brief(page.items), ['Alpha 1x1 2024-03-09', 'beta 0x1 2024-03-03'])
  assert.deepEqual(brief(calendar.recent({ days: 1 }).items), ['Alpha 1x1 2024-03-09'])
  assert.deepEqual(brief(calendar.recent({ days: 365 }).items).at(-1), 'beta 0x2 2024-03-02')
})

test('date ranges cross months, leap days and years', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29')
  assert.equal(addDays('2023-02-28', 1), '2023-03-01')
  assert.equal(addDays('2024-01-01', -1), '2023-12-31')
  assert.equal(addDays('2024-12-25', 365), '2025-12-25')
  const calendar = new EpisodeCalendar({ between: () => [], count: () => 0 }, () => new Date('2024-02-28T00:00:00.000Z'))
  assert.deepEqual([calendar.upcoming({ days: 2 }).from, calendar.upcoming({ days: 2 }).to], ['2024-02-28', '2024-03-01'])
  assert.deepEqual([calendar.recent({ days: 60 }).from, calendar.recent({ days: 60 }).to], ['2023-12-30', '2024-02-27'])
})

test('GET /api/episodes/upcoming and /recent: answers as the schema says; days, limit and unknown keys validated', async (t) => {
  const { calendar } = await seeded(t)
  const server = Fastify({ loggerInstance: log as FastifyBaseLogger })
  registerErrorHandling(server, log)
  await server.register(async (scope) => {
    scope.setValidatorCompiler(apiValidatorCompiler)
    await calendarRoutes(scope, { calendar })
  }, { prefix: '/api' })
  const api = apiClient(await server.listen({ port: 0, host: '127.0.0.1' }))
  t.after(async () => { await server.close() })

  const up = await api.get('/api/episodes/upcoming?days=7&limit=2')
  assert.equal(up.status, 200)
  assert.deepEqual([up.body.from, up.body.to, up.body.total, up.body.limit], ['2024-03-10', '2024-03-17', 3, 2])
  assert.deepEqual(Object.keys(up.body.items[0]).sort(), ['air_date', 'assigned', 'episode_number', 'id', 'name', 'season_number', 'show_id', 'show_title'])
  assert.equal(up.body.items[0].assigned, true)
  assert.deepEqual(brief((await api.get('/api/episodes/recent?days=7')).body.items), ['Alpha 1x1 2024-03-09', 'beta 0x1 2024-03-03'])
  assert.equal((await api.get('/api/episodes/recent')).body.from, '2024-03-03', 'days defaults to 7')
  for (const q of ['days=0', 'days=366', 'days=01', 'days=-1', 'days=1.5', 'days=abc', 'limit=0', 'limit=501', 'limit=+5', 'day=3']) {
    for (const path of ['upcoming', 'recent']) {
      const r = await api.get(`/api/episodes/${path}?${q}`)
      assert.deepEqual([r.status, typeof r.body.error?.message], [400, 'string'], `${path}?${q}`)
    }
  }
})

test('a scheduled refresh brings new episodes into /upcoming and keeps every id and assignment (429 waited out)', async (t) => {
  const fake = await startFakeTmdb(t)
  const tmdb = new TmdbClient({ ...defaults.tmdb, base_url: fake.url, api_key: fake.apiKey }, log)
  const { db, library, calendar } = setup(t, tmdb)
  const before = await library.shows.add({ tmdbId: 1396 })
  const pilot = before.seasons[1]!.episodes[0]!
  assign(db, pilot.id)
  fake.addEpisode(1396, 2, { episode_number: 3, name: 'Bit by a Dead Bee', air_date: '2024-03-13' })
  fake.addSeason(1396, 3)
  fake.addEpisode(1396, 3, { episode_number: 1, name: null, air_date: '2024-03-15' })
  // Retry-After above the client's own 10 s: the client gives up at once, the scheduler waits
  fake.failNext(1, { status: 429, retryAfter: '120', path: /^\/tv\/1396$/ })

  const clock = fakeClock(NOW.getTime())
  const scheduler = new RefreshScheduler(libraryRefresher(library.shows, tmdb), { intervalMs: 86_400_000, logger: log, clock })
  t.after(async () => { await scheduler.close() })
  scheduler.start()
  const asked = fake.requests.length
  clock.advance(12 * 3_600_000) // the only show's slot: half the interval in
  await waitFor(() => scheduler.status().state === 'backing_off', 5000, 'the rate-limited refresh')
  assert.match(scheduler.status().last_error?.message ?? '', /rate limiting/)
  assert.equal(fake.requests.length, asked + 1)
  clock.advance(60_000)
  await waitFor(() => scheduler.status().shows_refreshed === 1, 5000, 'the scheduled refresh')
  assert.deepEqual([scheduler.status().failures, scheduler.status().episodes_added], [0, 2])

  const after = library.shows.get(before.id)
  for (const [i, season] of before.seasons.entries()) {
    assert.equal(after.seasons[i]!.id, season.id)
    assert.deepEqual(after.seasons[i]!.episodes.slice(0, season.episodes.length).map((e) => e.id), season.episodes.map((e) => e.id))
  }
  assert.equal(after.seasons[1]!.episodes[0]!.assignment?.info_hash, HASH, 'the assignment survived')
  assert.deepEqual(brief(calendar.upcoming().items), ['Bit by a Dead Bee 2024-03-13', '? 2024-03-15'])
  assert.deepEqual(calendar.upcoming().items.map((i) => [i.show_title, i.season_number, i.episode_number]), [['Breaking Bad', 2, 3], ['Breaking Bad', 3, 1]])
})
