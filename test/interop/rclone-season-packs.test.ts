// Issue 12's "done when" with a client nobody here wrote: a 3-season show assigned from three
// season packs in three calls; `rclone lsjson -R` lists every episode with its subtitles next to
// it (names and sizes), and `rclone cat` returns a subtitle's and a video's bytes from the swarm.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { apiClient } from '../helpers/api-client.ts'
import { DARK, DARK_TMDB_ID, seedDarkPacks } from '../helpers/season-packs.ts'

const hasRclone = spawnSync('rclone', ['version'], { timeout: 10_000 }).status === 0
const run = promisify(execFile)

test('rclone sees every episode of three season packs with its subtitles', { skip: hasRclone ? false : 'rclone is not installed', timeout: 180_000 }, async (t) => {
  const packs = await seedDarkPacks(t)
  const tmdb = await startFakeTmdb(t)
  const app = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey }, torrent: { add_timeout: 30, read_timeout: 30, start_paused: false } })
  const api = apiClient(app.url)
  const show = await api.post('/api/shows', { tmdb_id: DARK_TMDB_ID })
  assert.equal(show.status, 201)
  for (const pack of packs) {
    const res = await api.post(`/api/shows/${show.body.id}/assign`, { magnet_uri: pack.seeder.magnet })
    assert.equal(res.status, 201, JSON.stringify(res.body))
  }

  const remote = [':webdav:', '--webdav-url', `${app.url}/dav`, '--config', '/dev/null', '--low-level-retries', '1', '--retries', '1']
  const { stdout } = await run('rclone', ['lsjson', '-R', `:webdav:TV Shows/${DARK}`, ...remote.slice(1)], { timeout: 60_000 })
  const files = new Map((JSON.parse(stdout) as Array<{ Path: string, IsDir: boolean, Size: number }>).filter((e) => !e.IsDir).map((e) => [e.Path, e.Size]))
  const videos = [...files.keys()].filter((p) => p.endsWith('.mkv'))
  assert.equal(videos.length, 8, `8 video files (one holds S01E02-E03): ${videos.join(', ')}`)
  for (const [season, episodes] of [[1, ['E01', 'E02-E03']], [2, ['E01', 'E02', 'E03']], [3, ['E01', 'E02', 'E03']]] as const) {
    for (const e of episodes) {
      const code = `S0${season}${e}`
      assert.ok(videos.some((v) => v.startsWith(`Season 0${season}/${DARK} - ${code} - `)), `${code} is listed`)
    }
  }
  const subtitles = [...files.keys()].filter((p) => /\.(srt|ass)$/.test(p)).sort()
  assert.deepEqual(subtitles, [
    `Season 01/${DARK} - S01E01 - Secrets.en.srt`,
    `Season 01/${DARK} - S01E02-E03 - Lies.de.srt`,
    `Season 01/${DARK} - S01E02-E03 - Lies.en.srt`,
    `Season 02/${DARK} - S02E03 - Ghosts.srt`,
    `Season 03/${DARK} - S03E01 - Deja-vu.ass`,
    `Season 03/${DARK} - S03E02 - The Survivors.ass`
  ])

  // rclone cat: a subtitle and a whole video, byte for byte from the swarm
  const s1 = packs[0]!.fixture
  const sub = s1.files.find((f) => f.relPath.endsWith('3_German.srt'))!
  const cat = async (path: string): Promise<Buffer> => {
    const out = await run('rclone', ['cat', `:webdav:TV Shows/${DARK}/${path}`, ...remote.slice(1)], { timeout: 60_000, encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 })
    return out.stdout
  }
  assert.deepEqual(await cat(`Season 01/${DARK} - S01E02-E03 - Lies.de.srt`), s1.expected(sub.path, 0, sub.length))
  const s3 = packs[2]!.fixture
  const ep3 = s3.files.find((f) => f.relPath === '[Grp] Dark - S03E03 [1080p].mkv')!
  assert.deepEqual(await cat(`Season 03/${DARK} - S03E03 - Adam and Eva.mkv`), s3.expected(ep3.path, 0, ep3.length))
})
