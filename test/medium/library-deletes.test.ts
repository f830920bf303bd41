// Deleting a movie, a show or an episode ends its assignments in the database (triggers) and
// publishes each as unassigned, so the streaming layer drops their pins at once.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pino } from 'pino'
import { AssignmentEvents } from '../../src/assignments/events.ts'
import { AssignmentRepository } from '../../src/assignments/repository.ts'
import type { Assignment } from '../../src/assignments/types.ts'
import { defaults } from '../../src/config/schema.ts'
import { migrate } from '../../src/db/migrate.ts'
import { openDatabase } from '../../src/db/open.ts'
import { createLibrary } from '../../src/library/index.ts'
import { TmdbClient } from '../../src/tmdb/client.ts'
import { tempDir } from '../helpers/app.ts'

const log = pino({ level: 'silent' })
const HASH = 'd'.repeat(40)

function setup (t: TestContext) {
  const db = openDatabase(join(tempDir(t), 'lib.db'))
  t.after(() => { db.close() })
  migrate(db)
  const events = new AssignmentEvents()
  const library = createLibrary({ db, tmdb: new TmdbClient(defaults.tmdb, log), logger: log, assignmentEvents: events })
  const repo = new AssignmentRepository(db, library.changed)
  const unassigned: Assignment[] = []
  events.subscribe({ unassigned: (a) => { unassigned.push(a) } })
  const assign = (itemType: 'movie' | 'episode', itemId: number, fileIndex: number): Assignment =>
    repo.create(itemType, itemId, { infoHash: HASH, magnetUri: `magnet:?xt=urn:btih:${HASH}`, filePath: `Pack/f${fileIndex}.mkv`, fileIndex, fileSize: 1000 })
  return { library, repo, assign, unassigned }
}

test('deleting a movie publishes its assignment as unassigned; one without publishes nothing', async (t) => {
  const s = setup(t)
  const heat = await s.library.movies.add({ title: 'Heat', year: 1995 })
  const ronin = await s.library.movies.add({ title: 'Ronin', year: 1998 })
  const a = s.assign('movie', heat.id, 0)
  s.library.movies.delete(ronin.id)
  assert.equal(s.unassigned.length, 0)
  s.library.movies.delete(heat.id)
  assert.deepEqual(s.unassigned.map((x) => [x.id, x.itemType, x.itemId, x.filePath, x.isActive]), [[a.id, 'movie', heat.id, 'Pack/f0.mkv', false]])
  assert.deepEqual(s.repo.activeByHash(HASH), [], 'the trigger deactivated it')
})

test('deleting an episode, then its show, publishes each assignment once', async (t) => {
  const s = setup(t)
  const show = await s.library.shows.add({ title: 'Manual', year: null })
  const e1 = s.library.shows.addEpisode(show.id, { seasonNumber: 1, episodeNumber: 1, name: null, airDate: null })
  const e2 = s.library.shows.addEpisode(show.id, { seasonNumber: 1, episodeNumber: 2, name: null, airDate: null })
  s.library.shows.addEpisode(show.id, { seasonNumber: 1, episodeNumber: 3, name: null, airDate: null })
  const a1 = s.assign('episode', e1.id, 1)
  const a2 = s.assign('episode', e2.id, 2)
  s.library.shows.deleteEpisode(e1.id)
  assert.deepEqual(s.unassigned.map((x) => x.id), [a1.id])
  s.library.shows.delete(show.id)
  assert.deepEqual(s.unassigned.map((x) => [x.id, x.itemType, x.itemId]), [[a1.id, 'episode', e1.id], [a2.id, 'episode', e2.id]])
  assert.deepEqual(s.repo.activeByHash(HASH), [])
})
