// Torrent subtitles on a real SQLite file: an assignment made before the scan existed is scanned
// at start-up when its torrent is loaded (pinned without waking it); a scan is stored once; a
// re-assign hides the old torrent's subtitles; a pack's subtitle of another episode stays out.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/open.ts'
import { migrate } from '../../src/db/migrate.ts'
import { AssignmentRepository } from '../../src/assignments/repository.ts'
import { SubtitleRepository } from '../../src/subtitles/repository.ts'
import { TorrentSubtitleScanner } from '../../src/subtitles/torrent-scan.ts'
import type { PrefetchOptions, Torrent, TorrentService } from '../../src/torrent/types.ts'
import { createLogger } from '../../src/logger.ts'
import { tempDir } from '../helpers/app.ts'
import { fake } from '../helpers/fakes.ts'

const H1 = '1'.repeat(40)
const H2 = '2'.repeat(40)

function torrentOf (infoHash: string, paths: Array<[string, number]>, prefetched: Array<{ infoHash: string, fileIndex: number, length: number, wake: boolean }>): Torrent {
  return fake<Torrent>({
    info: { infoHash, name: 'Pack', length: 0, pieceLength: 16384, pieceCount: 1, files: paths.map(([path, length], index) => ({ index, path, length, offset: 0 })) } as unknown as Torrent['info'],
    prefetch: (fileIndex: number, _offset: number, length: number, _p?: unknown, opts?: PrefetchOptions) => {
      prefetched.push({ infoHash, fileIndex, length, wake: opts?.wake !== false })
      return { release () {} }
    }
  })
}

function setup (t: TestContext) {
  const db = openDatabase(join(tempDir(t), 'db.sqlite'))
  t.after(() => db.close())
  migrate(db)
  const now = new Date().toISOString()
  db.prepare('INSERT INTO shows (id, title, created_at) VALUES (1, ?, ?)').run('Show', now)
  db.prepare('INSERT INTO seasons (id, show_id, season_number, created_at) VALUES (1, 1, 1, ?)').run(now)
  db.prepare('INSERT INTO episodes (id, season_id, episode_number, created_at) VALUES (11, 1, 1, ?), (12, 1, 2, ?)').run(now, now)
  return { assignments: new AssignmentRepository(db), subtitles: new SubtitleRepository(db) }
}

test('assignments made before the scan existed are scanned at start-up, pinned asleep; a re-assign hides the old subtitles', (t) => {
  const { assignments, subtitles } = setup(t)
  const prefetched: Array<{ infoHash: string, fileIndex: number, length: number, wake: boolean }> = []
  const pack = torrentOf(H1, [
    ['Pack/Show.S01E01.mkv', 5000], ['Pack/Show.S01E01.en.srt', 900],
    ['Pack/Show.S01E02.mkv', 5000], ['Pack/Show.S01E02.de.srt', 800], ['Pack/Subs/Show.S01E02/2_English.srt', 700]
  ], prefetched)
  const loaded = new Map<string, Torrent>([[H1, pack]])
  const torrents = fake<Pick<TorrentService, 'getTorrent'>>({ getTorrent: (h: string) => loaded.get(h) })
  const a1 = assignments.create('episode', 11, { infoHash: H1, magnetUri: `magnet:?xt=urn:btih:${H1}`, filePath: 'Pack/Show.S01E01.mkv', fileIndex: 0, fileSize: 5000 })
  const a2 = assignments.create('episode', 12, { infoHash: H1, magnetUri: `magnet:?xt=urn:btih:${H1}`, filePath: 'Pack/Show.S01E02.mkv', fileIndex: 2, fileSize: 5000 })
  assert.equal(subtitles.unscanned().length, 2)

  const scanner = new TorrentSubtitleScanner({ repo: subtitles, torrents, logger: createLogger('silent') })
  scanner.start()
  assert.deepEqual(subtitles.forItem('episode', 11).map((s) => [s.language, s.source.kind === 'torrent' ? s.source.fileIndex : -1]), [['en', 1]])
  assert.deepEqual(subtitles.forItem('episode', 12).map((s) => s.language).sort(), ['de', 'en'])
  assert.equal(subtitles.unscanned().length, 0)
  assert.deepEqual(prefetched.map((p) => [p.fileIndex, p.length, p.wake]).sort(), [[1, 900, false], [3, 800, false], [4, 700, false]])

  // scanning again stores nothing twice
  scanner.assigned(a2)
  assert.equal(subtitles.forItem('episode', 12).length, 2)

  // episode 1 re-assigned to a torrent without subtitles: the old ones are no longer shown
  const other = torrentOf(H2, [['Other/Show.S01E01.mkv', 6000]], prefetched)
  loaded.set(H2, other)
  const a3 = assignments.create('episode', 11, { infoHash: H2, magnetUri: `magnet:?xt=urn:btih:${H2}`, filePath: 'Other/Show.S01E01.mkv', fileIndex: 0, fileSize: 6000 })
  scanner.unassigned(a1)
  scanner.assigned(a3)
  assert.deepEqual(subtitles.forItem('episode', 11), [])
  assert.equal(subtitles.allVisible().length, 2)
  scanner.close()
})
