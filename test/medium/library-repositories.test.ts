// Repositories, migrations, triggers and the tree source on a real SQLite file.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pino } from 'pino'
import { openDatabase, type Db } from '../../src/db/open.ts'
import { migrate, listMigrations } from '../../src/db/migrate.ts'
import { createLibrary, type Library } from '../../src/library/index.ts'
import { MovieRepository } from '../../src/library/movie-repository.ts'
import { ShowRepository } from '../../src/library/show-repository.ts'
import { isUniqueViolation } from '../../src/library/sql.ts'
import { TmdbClient } from '../../src/tmdb/client.ts'
import { defaults } from '../../src/config/schema.ts'
import type { SeasonMeta } from '../../src/tmdb/types.ts'
import { tempDir } from '../helpers/app.ts'

const log = pino({ level: 'silent' })
const HASH = 'a'.repeat(40)

function setup (t: TestContext): { db: Db, path: string, library: Library } {
  const path = join(tempDir(t), 'lib.db')
  const db = openDatabase(path)
  t.after(() => { db.close() })
  migrate(db)
  const tmdb = new TmdbClient(defaults.tmdb, log) // no key: these tests never reach TMDB
  return { db, path, library: createLibrary({ db, tmdb, logger: log }) }
}

function assign (db: Db, itemType: 'movie' | 'episode', itemId: number, filePath = 'Movie/movie.mkv'): number {
  return Number(db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, created_at)
    VALUES (?, ?, ?, ?, ?, 0, 1234, ?)`).run(itemType, itemId, HASH, `magnet:?xt=urn:btih:${HASH}`, filePath, new Date().toISOString()).lastInsertRowid)
}

const seasons: SeasonMeta[] = [
  { seasonNumber: 0, name: 'Specials', airDate: null, episodes: [{ episodeNumber: 1, name: 'Special', airDate: null }] },
  { seasonNumber: 1, name: 'Season 1', airDate: '2008-01-20', episodes: [{ episodeNumber: 1, name: 'Pilot', airDate: '2008-01-20' }, { episodeNumber: 2, name: null, airDate: null }] }
]
const bb = { tmdb_id: 1396, title: 'Breaking Bad', year: 2008, overview: null, poster_path: null, backdrop_path: null }

test('migrations apply once, in order, and are recorded', (t) => {
  const { db, path } = setup(t)
  assert.deepEqual(migrate(db), [], 'a second run applies nothing')
  const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()
  assert.deepEqual(versions, listMigrations().map((m) => m.version))
  const again = openDatabase(path)
  t.after(() => { again.close() })
  assert.deepEqual(migrate(again), [], 'reopening the file keeps the schema')
})

test('movies: insert, UNIQUE tmdb_id, list with ?q (LIKE characters literal) and paging', (t) => {
  const { db } = setup(t)
  const repo = new MovieRepository(db, () => {})
  const id = repo.insert({ tmdb_id: 550, title: 'Fight Club', year: 1999, overview: null, poster_path: null, backdrop_path: null })
  assert.throws(() => repo.insert({ tmdb_id: 550, title: 'Again', year: null, overview: null, poster_path: null, backdrop_path: null }), (err) => isUniqueViolation(err))
  repo.insert({ tmdb_id: null, title: '100% Wolf', year: 2020, overview: null, poster_path: null, backdrop_path: null })
  repo.insert({ tmdb_id: null, title: 'face_off', year: null, overview: null, poster_path: null, backdrop_path: null })
  repo.insert({ tmdb_id: 754, title: 'Face/Off', year: 1997, overview: null, poster_path: null, backdrop_path: null })
  assert.equal(repo.findById(id)?.a_id, null)
  assert.deepEqual(repo.list({ limit: 10, offset: 0, q: '%' }).rows.map((r) => r.title), ['100% Wolf'])
  assert.deepEqual(repo.list({ limit: 10, offset: 0, q: 'e_o' }).rows.map((r) => r.title), ['face_off'])
  assert.deepEqual(repo.list({ limit: 10, offset: 0, q: 'FACE' }).rows.map((r) => r.title), ['Face/Off', 'face_off'])
  const page = repo.list({ limit: 2, offset: 1 })
  assert.equal(page.total, 4)
  assert.deepEqual(page.rows.map((r) => r.title), ['Face/Off', 'face_off'])
  assert.throws(() => db.prepare("INSERT INTO movies (title, created_at) VALUES ('  ', 'x')").run(), /CHECK/)
})

test('a movie carries only its ACTIVE assignment; deleting it deactivates the assignment', (t) => {
  const { db, library } = setup(t)
  const id = Number(new MovieRepository(db, () => {}).insert({ tmdb_id: null, title: 'Heat', year: 1995, overview: null, poster_path: null, backdrop_path: null }))
  const old = assign(db, 'movie', id, 'old.mkv')
  db.prepare('UPDATE torrent_assignments SET is_active = 0 WHERE id = ?').run(old)
  const active = assign(db, 'movie', id, 'Heat/Heat.mkv')
  assert.equal(library.movies.get(id).assignment?.id, active)
  assert.equal(library.movies.get(id).assignment?.file_path, 'Heat/Heat.mkv')
  assert.equal(library.treeSource.movies()[0]?.assignment?.filePath, 'Heat/Heat.mkv')
  library.movies.delete(id)
  const row = db.prepare('SELECT is_active, deactivated_at FROM torrent_assignments WHERE id = ?').get(active) as { is_active: number, deactivated_at: string | null }
  assert.equal(row.is_active, 0)
  assert.notEqual(row.deactivated_at, null)
  assert.throws(() => library.movies.delete(id), /not in the library/)
})

test('deleting a show cascades to seasons and episodes, and the trigger deactivates episode assignments', (t) => {
  const { db, library } = setup(t)
  const repo = new ShowRepository(db, () => {})
  const showId = repo.insertTree(bb, seasons)
  const detail = library.shows.get(showId)
  assert.deepEqual(detail.seasons.map((s) => s.season_number), [0, 1])
  assert.equal(detail.episode_count, 3)
  const pilot = detail.seasons[1]!.episodes[0]!
  const aId = assign(db, 'episode', pilot.id, 'BB/S01E01.mkv')
  assert.equal(library.shows.get(showId).seasons[1]!.episodes[0]!.assignment?.id, aId)
  assert.equal(library.shows.get(showId).seasons[1]!.episodes[1]!.assignment, null)
  library.shows.delete(showId)
  assert.equal(db.prepare('SELECT COUNT(*) FROM seasons').pluck().get(), 0)
  assert.equal(db.prepare('SELECT COUNT(*) FROM episodes').pluck().get(), 0)
  assert.equal(db.prepare('SELECT is_active FROM torrent_assignments WHERE id = ?').pluck().get(aId), 0)
  assert.equal(library.counts().active_assignments, 0)
})

test('merge adds new seasons and episodes, updates names, keeps ids and assignments', (t) => {
  const { db, library } = setup(t)
  const repo = new ShowRepository(db, () => {})
  const showId = repo.insertTree(bb, seasons)
  const before = library.shows.get(showId)
  const ep2 = before.seasons[1]!.episodes[1]!
  const aId = assign(db, 'episode', ep2.id)
  const counts = repo.merge(showId, { ...bb, title: 'Breaking Bad!' }, [
    { seasonNumber: 1, name: 'Season 1', airDate: '2008-01-20', episodes: [
      { episodeNumber: 1, name: null, airDate: null }, // TMDB dropped data: keep ours
      { episodeNumber: 2, name: "Cat's in the Bag...", airDate: '2008-01-27' },
      { episodeNumber: 3, name: 'New', airDate: null }
    ] },
    { seasonNumber: 2, name: 'Season 2', airDate: null, episodes: [{ episodeNumber: 1, name: 'S2E1', airDate: null }] }
  ])
  assert.deepEqual(counts, { addedSeasons: 1, addedEpisodes: 2, updatedEpisodes: 1 })
  const after = library.shows.get(showId)
  assert.equal(after.title, 'Breaking Bad!')
  assert.deepEqual(after.seasons.map((s) => s.season_number), [0, 1, 2], 'season 0 is kept though TMDB did not list it this time')
  const s1 = after.seasons[1]!
  assert.equal(s1.id, before.seasons[1]!.id)
  assert.equal(s1.episodes[0]!.name, 'Pilot')
  assert.equal(s1.episodes[1]!.id, ep2.id)
  assert.equal(s1.episodes[1]!.name, "Cat's in the Bag...")
  assert.equal(s1.episodes[1]!.assignment?.id, aId)
  assert.equal(s1.episodes[2]!.name, 'New')
})

test('tree source: shows with seasons and episodes; version moves on every kind of change', (t) => {
  const { db, path, library } = setup(t)
  const v0 = library.treeSource.version()
  assert.equal(library.treeSource.version(), v0, 'stable while nothing changes')
  const showId = new ShowRepository(db, library.changed).insertTree(bb, seasons)
  const v1 = library.treeSource.version()
  assert.notEqual(v1, v0)
  const tree = library.treeSource.shows()
  assert.equal(tree[0]?.title, 'Breaking Bad')
  assert.deepEqual(tree[0]?.seasons.map((s) => [s.seasonNumber, s.episodes.map((e) => e.episodeNumber)]), [[0, [1]], [1, [1, 2]]])
  assert.ok(tree[0]?.createdAt instanceof Date)

  // an assignment written by raw SQL on the same connection, without changed()
  const epId = tree[0]!.seasons[1]!.episodes[0]!.id
  assign(db, 'episode', epId)
  const v2 = library.treeSource.version()
  assert.notEqual(v2, v1)
  assert.equal(library.treeSource.shows()[0]!.seasons[1]!.episodes[0]!.assignment?.infoHash, HASH)

  // changed() alone moves it
  library.changed()
  const v3 = library.treeSource.version()
  assert.notEqual(v3, v2)

  // a commit by another connection (a CLI on the same file)
  const other = openDatabase(path)
  t.after(() => { other.close() })
  other.prepare('UPDATE shows SET title = ? WHERE id = ?').run('Renamed', showId)
  assert.notEqual(library.treeSource.version(), v3)
  assert.equal(library.treeSource.shows()[0]!.title, 'Renamed')
})
