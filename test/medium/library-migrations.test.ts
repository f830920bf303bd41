// Migrations after the first release keep what is stored: a database at an older version,
// with movies, shows, episodes and assignments in it, migrates to the latest with every row
// and value intact, the new columns empty.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/open.ts'
import { listMigrations, migrate } from '../../src/db/migrate.ts'
import { tempDir } from '../helpers/app.ts'

const snapshot = (db: ReturnType<typeof openDatabase>, table: string): unknown[] => db.prepare(`SELECT * FROM ${table} ORDER BY id`).all()

test('migrating a version 3 library to the latest keeps every row; backdrops start empty', (t) => {
  const db = openDatabase(join(tempDir(t), 'lib.db'))
  t.after(() => { db.close() })
  migrate(db, listMigrations().filter((m) => m.version <= 3))
  const at = '2024-01-01T00:00:00.000Z'
  db.prepare('INSERT INTO movies (id, tmdb_id, title, year, overview, poster_path, created_at) VALUES (1, 550, ?, 1999, ?, ?, ?)').run('Fight Club', 'Soap.', '/p.jpg', at)
  db.prepare('INSERT INTO shows (id, tmdb_id, title, year, overview, poster_path, created_at) VALUES (1, 1396, ?, 2008, NULL, ?, ?)').run('Breaking Bad', '/bb.jpg', at)
  db.prepare('INSERT INTO seasons (id, show_id, season_number, name, air_date, created_at) VALUES (1, 1, 1, ?, ?, ?)').run('Season 1', '2008-01-20', at)
  db.prepare('INSERT INTO episodes (id, season_id, episode_number, name, air_date, created_at) VALUES (1, 1, 1, ?, ?, ?)').run('Pilot', '2008-01-20', at)
  db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, created_at)
    VALUES ('movie', 1, ?, ?, 'a.mkv', 0, 10, ?)`).run('a'.repeat(40), 'magnet:?xt=urn:btih:' + 'a'.repeat(40), at)
  const before = Object.fromEntries(['movies', 'shows', 'seasons', 'episodes', 'torrent_assignments'].map((t) => [t, snapshot(db, t)]))

  const applied = migrate(db)
  assert.ok(applied.includes(4), `applied ${applied.join(', ')}`)
  for (const [table, rows] of Object.entries(before)) {
    const after = snapshot(db, table) as Array<Record<string, unknown>>
    assert.equal(after.length, rows.length, table)
    // every old column keeps its value; new columns are NULL
    for (const [i, row] of (rows as Array<Record<string, unknown>>).entries()) {
      for (const [k, v] of Object.entries(row)) assert.deepEqual(after[i]![k], v, `${table}.${k}`)
    }
  }
  assert.equal((snapshot(db, 'movies')[0] as { backdrop_path: unknown }).backdrop_path, null)
  assert.equal((snapshot(db, 'shows')[0] as { backdrop_path: unknown }).backdrop_path, null)
  assert.deepEqual(migrate(db), [], 'idempotent')
})
