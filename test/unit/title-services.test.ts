// The movie and show services' rules over fake repositories and a fake TMDB: one row per
// TMDB id (a duplicate never reaches TMDB; the insert race gets the same 409), and a delete
// publishes the assignments it ended.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { AssignmentEvents } from '../../src/assignments/events.ts'
import type { Assignment, AssignmentColumns } from '../../src/assignments/types.ts'
import { ConflictError, NotFoundError } from '../../src/errors.ts'
import { MovieService } from '../../src/library/movie-service.ts'
import type { MovieRepository, MovieWithAssignment, NewMovie } from '../../src/library/movie-repository.ts'
import { ShowService } from '../../src/library/show-service.ts'
import type { EpisodeWithAssignment, ShowRepository } from '../../src/library/show-repository.ts'
import type { Public } from '../../src/library/title-service.ts'
import type { ShowListRow } from '../../src/library/types.ts'
import type { TmdbClient } from '../../src/tmdb/client.ts'
import type { SeasonMeta } from '../../src/tmdb/types.ts'
import { fake } from '../helpers/fakes.ts'

const log = pino({ level: 'silent' })
const CREATED = '2026-01-02T03:04:05.000Z'
const NO_ASSIGNMENT: AssignmentColumns = { a_id: null, a_info_hash: null, a_magnet_uri: null, a_file_path: null, a_file_index: null, a_file_size: null, a_resolution: null, a_source: null, a_created_at: null }
const assigned = (id: number): AssignmentColumns => ({ a_id: id, a_info_hash: 'a'.repeat(40), a_magnet_uri: `magnet:?xt=urn:btih:${'a'.repeat(40)}`, a_file_path: 'f.mkv', a_file_index: 0, a_file_size: 10, a_resolution: null, a_source: null, a_created_at: CREATED })

function recorder (): { events: AssignmentEvents, ended: Assignment[] } {
  const events = new AssignmentEvents()
  const ended: Assignment[] = []
  events.subscribe({ unassigned: (a) => { ended.push(a) } })
  return { events, ended }
}

/** An in-memory movies table. */
function movieTable (): Public<MovieRepository> & { rows: Map<number, MovieWithAssignment> } {
  const rows = new Map<number, MovieWithAssignment>()
  let next = 1
  return fake<Public<MovieRepository> & { rows: Map<number, MovieWithAssignment> }>({
    rows,
    insert (m: NewMovie) {
      if (m.tmdb_id !== null && [...rows.values()].some((r) => r.tmdb_id === m.tmdb_id)) throw Object.assign(new Error('UNIQUE'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })
      const id = next++
      rows.set(id, { id, ...m, created_at: CREATED, ...NO_ASSIGNMENT })
      return id
    },
    findById: (id: number) => rows.get(id),
    findByTmdbId: (tmdbId: number) => [...rows.values()].find((r) => r.tmdb_id === tmdbId),
    delete: (id: number) => rows.delete(id)
  }, 'MovieRepository')
}

function tmdbCounting (): { tmdb: Public<TmdbClient>, calls: string[] } {
  const calls: string[] = []
  const tmdb = fake<Public<TmdbClient>>({
    movie: async (id: number) => { calls.push(`movie ${id}`); return { tmdbId: id, title: 'Fight Club', year: 1999, overview: null, posterPath: null, backdropPath: null } },
    tv: async (id: number) => { calls.push(`tv ${id}`); return { tmdbId: id, title: 'Show', year: 2008, overview: null, posterPath: null, backdropPath: null, seasonNumbers: [0, 1] } },
    season: async (tvId: number, n: number): Promise<SeasonMeta> => {
      calls.push(`season ${tvId}/${n}`)
      return { seasonNumber: n, name: null, airDate: null, episodes: [{ episodeNumber: 1, name: 'Pilot', airDate: null }] }
    }
  }, 'TmdbClient')
  return { tmdb, calls }
}

test('movies: a TMDB id already in the library is a 409 before TMDB is asked', async () => {
  const { tmdb, calls } = tmdbCounting()
  const movies = new MovieService(movieTable(), tmdb, log)
  const added = await movies.add({ tmdbId: 550 })
  assert.equal(added.title, 'Fight Club')
  await assert.rejects(movies.add({ tmdbId: 550 }), (err: unknown) => err instanceof ConflictError && /tmdb_id 550 .*id 1, "Fight Club"/.test(err.message))
  assert.deepEqual(calls, ['movie 550'])
})

test('movies: two adds of one TMDB id racing past the check: the second insert is the same 409', async () => {
  const { tmdb } = tmdbCounting()
  const movies = new MovieService(movieTable(), tmdb, log)
  const results = await Promise.allSettled([movies.add({ tmdbId: 7 }), movies.add({ tmdbId: 7 })])
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  const lost = results.find((r) => r.status === 'rejected')
  assert.ok(lost !== undefined && lost.reason instanceof ConflictError, String(lost?.status === 'rejected' ? lost.reason : 'none rejected'))
})

test('movies: a delete publishes the assignment it ended, once; an unknown id publishes nothing', async () => {
  const table = movieTable()
  const { events, ended } = recorder()
  const movies = new MovieService(table, tmdbCounting().tmdb, log, events)
  const { id } = await movies.add({ title: 'Home Video', year: 2001 })
  table.rows.set(id, { ...table.rows.get(id)!, ...assigned(42) })
  movies.delete(id)
  assert.deepEqual(ended.map((a) => [a.id, a.itemType, a.itemId, a.isActive]), [[42, 'movie', id, false]])
  assert.throws(() => { movies.delete(id) }, NotFoundError)
  assert.equal(ended.length, 1)
})

function showTable (episodes: EpisodeWithAssignment[]): { repo: Public<ShowRepository>, trees: unknown[][] } {
  const trees: unknown[][] = []
  const shows = new Map<number, ShowListRow>()
  const repo = fake<Public<ShowRepository>>({
    insertTree (show, seasons) {
      if (show.tmdb_id !== null && [...shows.values()].some((s) => s.tmdb_id === show.tmdb_id)) throw Object.assign(new Error('UNIQUE'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })
      trees.push(seasons.map((s) => s.seasonNumber))
      const id = shows.size + 1
      shows.set(id, { id, ...show, created_at: CREATED, season_count: seasons.length, episode_count: 0, episodes_assigned: 0, episodes_missing: 0 })
      return id
    },
    findById: (id: number) => shows.get(id),
    findByTmdbId: (tmdbId: number) => [...shows.values()].find((s) => s.tmdb_id === tmdbId),
    seasonsOf: () => [],
    episodesOf: () => episodes,
    episodeWithAssignment: (id: number) => episodes.find((e) => e.id === id),
    deleteEpisode (id: number) {
      const i = episodes.findIndex((e) => e.id === id)
      if (i >= 0) episodes.splice(i, 1)
      return i >= 0
    },
    delete: (id: number) => shows.delete(id)
  }, 'ShowRepository')
  return { repo, trees }
}

const episode = (id: number, a: AssignmentColumns): EpisodeWithAssignment => ({ id, season_id: 1, episode_number: id, name: null, air_date: null, created_at: CREATED, ...a })

test('shows: every season TMDB lists is fetched and stored; a duplicate is a 409 before TMDB is asked', async () => {
  const { tmdb, calls } = tmdbCounting()
  const { repo, trees } = showTable([])
  const shows = new ShowService(repo, tmdb, log)
  await shows.add({ tmdbId: 1396 })
  assert.deepEqual(trees, [[0, 1]], 'Specials and season 1, in one insert')
  await assert.rejects(shows.add({ tmdbId: 1396 }), ConflictError)
  assert.deepEqual(calls.sort(), ['season 1396/0', 'season 1396/1', 'tv 1396'])
})

test('shows: deleting an episode or a show publishes each assignment it ended', async () => {
  const { events, ended } = recorder()
  const { repo } = showTable([episode(1, assigned(11)), episode(2, NO_ASSIGNMENT), episode(3, assigned(13))])
  const shows = new ShowService(repo, tmdbCounting().tmdb, log, events)
  const { id } = await shows.add({ title: 'Home Movies', year: 1999 })
  shows.deleteEpisode(3)
  assert.deepEqual(ended.map((a) => [a.id, a.itemId]), [[13, 3]])
  shows.delete(id)
  assert.deepEqual(ended.map((a) => [a.id, a.itemId, a.isActive]), [[13, 3, false], [11, 1, false]])
  assert.throws(() => { shows.deleteEpisode(99) }, NotFoundError)
})
