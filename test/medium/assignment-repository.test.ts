import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/open.ts'
import { migrate } from '../../src/db/migrate.ts'
import { AssignmentRepository } from '../../src/assignments/repository.ts'
import { tempDir } from '../helpers/app.ts'

const H1 = 'a'.repeat(40)
const H2 = 'b'.repeat(40)

function setup (t: import('node:test').TestContext): { repo: AssignmentRepository, db: ReturnType<typeof openDatabase>, changes: () => number } {
  const db = openDatabase(join(tempDir(t), 'db.sqlite'))
  t.after(() => db.close())
  migrate(db)
  const now = new Date().toISOString()
  db.prepare('INSERT INTO movies (id, title, year, created_at) VALUES (1, ?, 1999, ?), (2, ?, 2000, ?)').run('Fight Club', now, 'Other', now)
  db.prepare('INSERT INTO shows (id, title, created_at) VALUES (1, ?, ?)').run('Show', now)
  db.prepare('INSERT INTO seasons (id, show_id, season_number, created_at) VALUES (1, 1, 2, ?)').run(now)
  db.prepare('INSERT INTO episodes (id, season_id, episode_number, name, created_at) VALUES (7, 1, 5, ?, ?)').run('Ep', now)
  let n = 0
  return { repo: new AssignmentRepository(db, () => { n++ }), db, changes: () => n }
}

const file = (infoHash: string, filePath = 'Movie/movie.mkv') => ({ infoHash, magnetUri: `magnet:?xt=urn:btih:${infoHash}`, filePath, fileIndex: 0, fileSize: 1234 })

test('a new assignment deactivates the previous one in one step', (t) => {
  const { repo, db, changes } = setup(t)
  const first = repo.create('movie', 1, { ...file(H1), resolution: '1080p', source: 'BluRay' })
  assert.equal(first.isActive, true)
  assert.equal(first.resolution, '1080p')
  const second = repo.create('movie', 1, file(H2))
  assert.equal(repo.getActive('movie', 1)?.id, second.id)
  const rows = db.prepare('SELECT id, is_active, deactivated_at FROM torrent_assignments ORDER BY id').all() as Array<{ is_active: number, deactivated_at: string | null }>
  assert.deepEqual(rows.map((r) => r.is_active), [0, 1])
  assert.ok(rows[0]!.deactivated_at !== null)
  assert.equal(changes(), 2)
})

test('the database refuses two active assignments for one item', (t) => {
  const { db } = setup(t)
  const insert = db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, created_at)
    VALUES ('movie', 1, ?, 'm', 'f', 0, 1, 'now')`)
  insert.run(H1)
  assert.throws(() => insert.run(H2), /UNIQUE/)
})

test('lookups by hash, deactivate, item existence and episode numbers', (t) => {
  const { repo } = setup(t)
  const a = repo.create('movie', 1, file(H1))
  repo.create('movie', 2, file(H1, 'Movie/other.mkv'))
  repo.create('episode', 7, file(H2))
  assert.deepEqual(repo.activeByHash(H1).map((x) => x.itemId), [1, 2])
  assert.equal(repo.deactivate(a.id), true)
  assert.equal(repo.deactivate(a.id), false, 'a second deactivate changes nothing')
  assert.deepEqual(repo.activeByHash(H1).map((x) => x.itemId), [2])
  assert.equal(repo.itemExists('movie', 1), true)
  assert.equal(repo.itemExists('movie', 99), false)
  assert.equal(repo.itemExists('episode', 7), true)
  assert.deepEqual(repo.episodeNumbers(7), { season: 2, episode: 5 })
  assert.equal(repo.episodeNumbers(8), null)
})

test('deleting a movie or a show deactivates their assignments through the triggers', (t) => {
  const { repo, db } = setup(t)
  repo.create('movie', 1, file(H1))
  repo.create('episode', 7, file(H2))
  db.prepare('DELETE FROM movies WHERE id = 1').run()
  db.prepare('DELETE FROM shows WHERE id = 1').run()
  assert.equal(repo.getActive('movie', 1), null)
  assert.equal(repo.getActive('episode', 7), null)
  assert.equal(repo.allActive().length, 0)
})

test('bad rows are refused by CHECK constraints', (t) => {
  const { db } = setup(t)
  const insert = db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, created_at)
    VALUES (?, 1, ?, 'm', 'f', 0, 1, 'now')`)
  assert.throws(() => insert.run('book', H1), /CHECK/)
  assert.throws(() => insert.run('movie', 'ABC'), /CHECK/)
})
