// The list filters and sorts are SQL over indexes: 10,000 movies and 10,000 shows (with 100,000
// episodes and their assignments) in a real SQLite file answer any sort and state in well
// under a second, with the same answers a plain scan gives. The bound is loose (shared CI
// machines); what it catches is per-title work done for every title instead of the page.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/open.ts'
import { migrate } from '../../src/db/migrate.ts'
import { MovieRepository } from '../../src/library/movie-repository.ts'
import { ShowRepository } from '../../src/library/show-repository.ts'
import { tempDir } from '../helpers/app.ts'
import type { ListSort, ListState } from '../../src/library/types.ts'

const N = 10_000
const TODAY = new Date('2024-06-01T12:00:00Z')

test('10,000 movies and shows: every sort and state is one fast query with the right answer', { timeout: 120_000 }, (t) => {
  const db = openDatabase(join(tempDir(t), 'lib.db'))
  t.after(() => { db.close() })
  migrate(db)
  const at = '2024-01-01T00:00:00.000Z'
  const hash = 'b'.repeat(40)
  // per show: how many episodes assigned, how many aired regular ones missing
  const expected = new Map<number, { assigned: number, missing: number }>()
  db.transaction(() => {
    const movie = db.prepare('INSERT INTO movies (title, year, created_at) VALUES (?, ?, ?)')
    const assign = db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, created_at)
      VALUES (?, ?, '${hash}', 'magnet:?xt=urn:btih:${hash}', 'f.mkv', 0, 1, '${at}')`)
    for (let i = 0; i < N; i++) {
      const id = Number(movie.run(`Movie ${(i * 7919) % N}`, i % 11 === 0 ? null : 1950 + (i % 70), at).lastInsertRowid)
      if (i % 3 === 0) assign.run('movie', id)
    }
    const show = db.prepare('INSERT INTO shows (title, year, created_at) VALUES (?, ?, ?)')
    const season = db.prepare('INSERT INTO seasons (show_id, season_number, created_at) VALUES (?, ?, ?)')
    const episode = db.prepare('INSERT INTO episodes (season_id, episode_number, air_date, created_at) VALUES (?, ?, ?, ?)')
    for (let i = 0; i < N; i++) {
      const id = Number(show.run(`Show ${(i * 7919) % N}`, 1990 + (i % 30), at).lastInsertRowid)
      const counts = { assigned: 0, missing: 0 }
      for (let s = 0; s < 2; s++) {
        const seasonId = Number(season.run(id, s, at).lastInsertRowid)
        for (let e = 1; e <= 5; e++) {
          // shows i % 4 == 3 are still to air; i % 5 == 0 have everything; i % 5 == 1 the specials only
          const airDate = i % 4 === 3 ? '2030-01-01' : `2020-0${e}-01`
          const epId = Number(episode.run(seasonId, e, airDate, at).lastInsertRowid)
          const has = i % 5 === 0 || (i % 5 === 1 && s === 0)
          if (has) { assign.run('episode', epId); counts.assigned++ } else if (s > 0 && airDate <= '2024-06-01') counts.missing++
        }
      }
      expected.set(id, counts)
    }
  })()
  const movies = new MovieRepository(db, () => {})
  const shows = new ShowRepository(db, () => {}, () => TODAY)

  const slowest = { ms: 0, what: '' }
  const timed = <T>(what: string, fn: () => T): T => {
    const t0 = performance.now()
    const out = fn()
    const ms = performance.now() - t0
    if (ms > slowest.ms) { slowest.ms = ms; slowest.what = what }
    return out
  }
  const sorts: ListSort[] = ['title', 'year', 'added']
  const states: Array<ListState | undefined> = [undefined, 'playable', 'unassigned', 'missing']
  for (const sort of sorts) {
    for (const state of states) {
      for (const order of ['asc', 'desc'] as const) {
        const m = timed(`movies ${sort} ${order} ${state}`, () => movies.list({ limit: 50, offset: 100, sort, order, state }))
        assert.equal(m.rows.length, 50)
        assert.equal(m.total, state === undefined ? N : state === 'playable' ? Math.ceil(N / 3) : N - Math.ceil(N / 3))
        for (const r of m.rows) assert.equal(r.a_id !== null, state === undefined ? r.a_id !== null : state === 'playable')
        const s = timed(`shows ${sort} ${order} ${state}`, () => shows.list({ limit: 50, offset: 100, sort, order, state }))
        assert.equal(s.rows.length, 50)
        for (const r of s.rows) {
          const want = expected.get(r.id)!
          assert.deepEqual([r.episodes_assigned, r.episodes_missing, r.episode_count], [want.assigned, want.missing, 10], `show ${r.id}`)
          if (state === 'playable') assert.ok(want.assigned > 0)
          if (state === 'unassigned') assert.equal(want.assigned, 0)
          if (state === 'missing') assert.ok(want.missing > 0)
        }
        const total = state === undefined ? N : [...expected.values()].filter((c) => state === 'playable' ? c.assigned > 0 : state === 'unassigned' ? c.assigned === 0 : c.missing > 0).length
        assert.equal(s.total, total, `shows ${state}`)
      }
    }
  }
  // sorted pages are sorted: years ascending with the undated last
  const years = movies.list({ limit: 500, offset: N - 1000, sort: 'year' }).rows.map((r) => r.year)
  assert.deepEqual(years, [...years].sort((a, b) => (a ?? Infinity) - (b ?? Infinity)))
  assert.equal(years.at(-1), null)
  assert.ok(slowest.ms < 1000, `slowest list: ${slowest.what} took ${Math.round(slowest.ms)} ms`)
})
