// The tree kept up to date change by change (tree_changes log -> TopFolder updates) must equal
// a full rebuild after every step of a random sequence of library writes: adds, deletes,
// renames that move " (2)" suffixes, assigns, unassigns, subtitles, whole shows, episodes,
// and writes from a second connection (what a CLI on the same file does). Real SQLite. The
// source's own read of the active assignments (the startup library check) is checked the same way.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pino } from 'pino'
import { AssignmentRepository } from '../../src/assignments/repository.ts'
import { defaults } from '../../src/config/schema.ts'
import { migrate } from '../../src/db/migrate.ts'
import { openDatabase, type Db } from '../../src/db/open.ts'
import { createLibrary } from '../../src/library/index.ts'
import { SubtitleRepository } from '../../src/subtitles/repository.ts'
import { TmdbClient } from '../../src/tmdb/client.ts'
import { LibraryVfs } from '../../src/vfs/library-vfs.ts'
import type { Vfs } from '../../src/vfs/types.ts'
import type { TreeAssignment } from '../../src/library/tree-model.ts'
import { activeAssignments } from '../../src/streaming/next-episode.ts'
import { tempDir } from '../helpers/app.ts'
import { rng } from '../helpers/fixtures.ts'

const log = pino({ level: 'silent' })

/** Every entry of the tree, depth first, with every field a PROPFIND or GET shows. */
async function snapshot (vfs: Vfs): Promise<string[]> {
  const out: string[] = []
  const walk = async (path: string): Promise<void> => {
    for (const e of await vfs.readDir(path)) {
      const p = `${path === '/' ? '' : path}/${e.name}`
      out.push(`${p}|${e.kind}|${e.size}|${e.created.toISOString()}|${e.modified.toISOString()}|${e.etag ?? ''}|${e.contentType ?? ''}`)
      // case-insensitive lookup (Finder, Windows) must find the same entry
      assert.equal((await vfs.stat(p.toUpperCase()))?.name, e.name, `upper-case lookup of ${p}`)
      if (e.kind === 'dir') await walk(p)
    }
  }
  const root = await vfs.stat('/')
  out.push(`/|${root!.created.toISOString()}|${root!.modified.toISOString()}`)
  await walk('/')
  return out
}

function setup (t: TestContext, showEmpty: boolean) {
  const path = join(tempDir(t), 'lib.db')
  const db = openDatabase(path)
  migrate(db)
  const other = openDatabase(path)
  t.after(() => { other.close(); db.close() })
  const subtitles = new SubtitleRepository(db)
  const library = createLibrary({ db, tmdb: new TmdbClient(defaults.tmdb, log), logger: log, subtitles })
  const incremental = new LibraryVfs(library.treeSource, { showEmpty })
  // a fresh VFS per comparison: its first read is a full build
  const full = (): LibraryVfs => new LibraryVfs(library.treeSource, { showEmpty })
  return { db, other, library, incremental, full, assignments: new AssignmentRepository(db, library.changed), subtitles }
}

function ids (db: Db, sql: string): number[] {
  return db.prepare(sql).pluck().all() as number[]
}

for (const showEmpty of [false, true]) {
  test(`after each of 300 random writes the kept tree equals a full rebuild (show_empty ${String(showEmpty)})`, async (t) => {
    const s = setup(t, showEmpty)
    const random = rng(showEmpty ? 7 : 11)
    const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)]
    // few titles, so that names collide and " (2)" suffixes move around
    const titles = ['Heat', 'Heat (2)', 'heat', 'Alien: Romulus', 'Ronin', 'Ｈｅａｔ']
    let stamp = Date.UTC(2021, 0, 1)
    const at = (): string => new Date(stamp += 61_000).toISOString()
    let n = 0
    const hash = (): string => (++n).toString(16).padStart(40, '0')
    const assign = (db: Db, type: 'movie' | 'episode', id: number): void => {
      const h = hash()
      new AssignmentRepository(db).create(type, id, { infoHash: h, magnetUri: `magnet:?xt=urn:btih:${h}`, filePath: `Pack/f${n}.${pick(['mkv', 'mp4', 'avi'])!}`, fileIndex: n % 3, fileSize: 1000 + n }, new Date(at()))
    }
    const steps: Array<[string, () => void]> = [
      ['add movie', () => { s.db.prepare('INSERT INTO movies (title, year, created_at) VALUES (?, ?, ?)').run(pick(titles), pick([null, 1995, 1998]), at()) }],
      ['add movie (other connection)', () => { s.other.prepare('INSERT INTO movies (title, year, created_at) VALUES (?, ?, ?)').run(pick(titles), 1995, at()) }],
      ['rename movie', () => { const id = pick(ids(s.db, 'SELECT id FROM movies')); if (id !== undefined) s.db.prepare('UPDATE movies SET title = ? WHERE id = ?').run(pick(titles), id) }],
      ['delete movie', () => { const id = pick(ids(s.db, 'SELECT id FROM movies')); if (id !== undefined) s.library.movies.delete(id) }],
      ['assign movie', () => { const id = pick(ids(s.db, 'SELECT id FROM movies')); if (id !== undefined) assign(s.db, 'movie', id) }],
      ['assign movie (other connection)', () => { const id = pick(ids(s.other, 'SELECT id FROM movies')); if (id !== undefined) assign(s.other, 'movie', id) }],
      ['unassign', () => { const id = pick(ids(s.db, 'SELECT id FROM torrent_assignments WHERE is_active = 1')); if (id !== undefined) s.assignments.deactivate(id) }],
      ['add show', () => {
        const show = Number(s.db.prepare('INSERT INTO shows (title, year, created_at) VALUES (?, ?, ?)').run(pick(titles), 2008, at()).lastInsertRowid)
        for (const sn of [1, 0]) {
          const season = Number(s.db.prepare('INSERT INTO seasons (show_id, season_number, created_at) VALUES (?, ?, ?)').run(show, sn, at()).lastInsertRowid)
          for (const e of [1, 2, 3]) s.db.prepare('INSERT INTO episodes (season_id, episode_number, name, created_at) VALUES (?, ?, ?, ?)').run(season, e, pick([null, 'Pilot', 'Pilot: Part 2']), at())
        }
      }],
      ['assign episode', () => { const id = pick(ids(s.db, 'SELECT id FROM episodes')); if (id !== undefined) assign(s.db, 'episode', id) }],
      ['assign two episodes one file', () => {
        const [a, b] = ids(s.db, 'SELECT e.id FROM episodes e ORDER BY random() LIMIT 2')
        if (a === undefined || b === undefined) return
        const h = hash()
        s.assignments.createMany([a, b].map((itemId) => ({ itemType: 'episode' as const, itemId, assignment: { infoHash: h, magnetUri: `magnet:?xt=urn:btih:${h}`, filePath: 'Pack/S01E01E02.mkv', fileIndex: 0, fileSize: 5000 } })), new Date(at()))
      }],
      ['rename episode', () => { const id = pick(ids(s.db, 'SELECT id FROM episodes')); if (id !== undefined) s.db.prepare('UPDATE episodes SET name = ? WHERE id = ?').run(pick(['Renamed', null]), id) }],
      ['delete episode', () => { const id = pick(ids(s.db, 'SELECT id FROM episodes')); if (id !== undefined) s.db.prepare('DELETE FROM episodes WHERE id = ?').run(id) }],
      ['delete season (other connection)', () => { const id = pick(ids(s.other, 'SELECT id FROM seasons')); if (id !== undefined) s.other.prepare('DELETE FROM seasons WHERE id = ?').run(id) }],
      ['delete show', () => { const id = pick(ids(s.db, 'SELECT id FROM shows')); if (id !== undefined && random() < 0.3) s.library.shows.delete(id) }],
      ['subtitle', () => {
        const a = pick(s.db.prepare('SELECT item_type AS t, item_id AS id FROM torrent_assignments WHERE is_active = 1').all() as Array<{ t: 'movie' | 'episode', id: number }>)
        if (a !== undefined) s.subtitles.saveDownload(a.t, a.id, { storedName: `${hash()}.srt`, externalId: 'x', release: null, language: pick(['en', 'de']) ?? 'en', forced: random() < 0.2, sdh: false, format: 'srt', size: 100 }, new Date(at()))
      }],
      ['delete subtitle', () => { const id = pick(ids(s.db, 'SELECT id FROM subtitles')); if (id !== undefined) s.subtitles.delete(id) }]
    ]
    for (let i = 0; i < 300; i++) {
      // read between some writes only: several changes must also apply at once
      const [name, step] = pick(steps)!
      step()
      if (random() < 0.6) continue
      assert.deepEqual(await snapshot(s.incremental), await snapshot(s.full()), `after step ${i} (${name})`)
      // the startup library check's read: the same assignments as the whole library holds
      const src = s.library.treeSource
      const key = (a: TreeAssignment): string => JSON.stringify([a.id, a.infoHash, a.magnetUri, a.filePath, a.fileIndex, a.fileSize, a.createdAt])
      assert.deepEqual(src.activeAssignments!().map(key).sort(), activeAssignments(src.movies(), src.shows()).map(key).sort(), `after step ${i} (${name})`)
    }
    assert.deepEqual(await snapshot(s.incremental), await snapshot(s.full()))
    assert.deepEqual(s.incremental.videoFiles(), s.full().videoFiles())
  })
}
