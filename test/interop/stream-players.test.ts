// Stage 2 with real third-party programs only at the edges: a real video made by ffmpeg,
// seeded by aria2 (a Debian BitTorrent client) found through a local tracker, assigned
// through the API, then read over WebDAV by ffprobe, ffmpeg and rclone.
// Each test skips with the reason when a program is missing (.ci/run installs them all).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { startApp, tempDir } from '../helpers/app.ts'
import { startTracker } from '../helpers/tracker.ts'
import { makeTorrentFile, missingBinary, startAria2Seeder } from '../helpers/clients.ts'
import { makeVideo } from '../helpers/media.ts'
import type { Fixture } from '../helpers/fixtures.ts'
import { apiClient } from '../helpers/api-client.ts'

const run = promisify(execFile)

function missing (...bins: Array<[string, string[]?]>): string | undefined {
  for (const [bin, args] of bins) {
    const why = missingBinary(bin, args)
    if (why !== undefined) return why
  }
  return undefined
}

/** A single-file "fixture" around a file made elsewhere (what the client helpers need). */
function fileFixture (path: string): Fixture {
  return { root: path, baseDir: dirname(path), name: basename(path), single: true } as unknown as Fixture
}

async function probeDuration (target: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', target], { timeout: 60_000 })
  return Number(stdout.trim())
}

for (const format of ['mkv', 'mp4'] as const) {
  test(`${format} seeded by aria2 via a local tracker: ffprobe, ffmpeg seek and rclone over WebDAV`, { timeout: 240_000 }, async (t) => {
    const why = missing(['ffmpeg', ['-version']], ['ffprobe', ['-version']], ['aria2c'], ['rclone', ['version']])
    if (why !== undefined) { t.skip(why); return }

    const work = tempDir(t)
    const mediaDir = join(work, 'media')
    mkdirSync(mediaDir)
    // mp4: moov at the end (ffmpeg's default), the layout players find hardest to stream
    const video = await makeVideo(mediaDir, { format, seconds: 30, name: `Night.of.the.Living.Dead.1968.${format}` })
    assert.ok(video !== null)
    const source = readFileSync(video)
    const tracker = await startTracker(t, { intervalMs: 1000 })
    const torrent = await makeTorrentFile(fileFixture(video), 256 * 1024, [tracker.httpUrl], work)
    const seeder = await startAria2Seeder(t, torrent, fileFixture(video), work)

    const app = await startApp(t, { torrent: { add_timeout: 60, read_timeout: 30, start_paused: false } })
    const api = apiClient(app.url)
    const movie = await api.post('/api/movies', { title: 'Night of the Living Dead', year: 1968 })
    assert.equal(movie.status, 201)
    // no peer hint: the engine must find aria2 through the tracker
    const magnet = `magnet:?xt=urn:btih:${torrent.infoHash}&tr=${encodeURIComponent(tracker.httpUrl)}`
    const started = performance.now()
    const assigned = await api.call('POST', `/api/movies/${movie.body.id}/assign`, { magnet_uri: magnet })
    assert.equal(assigned.status, 201, `${JSON.stringify(assigned.body)}\naria2: ${seeder.output()}`)
    assert.equal(assigned.body.file_size, source.length)
    t.diagnostic(`${format}: assign (metadata from aria2 through the tracker) took ${Math.round(performance.now() - started)} ms`)

    const url = `${app.url}/dav/Movies/Night%20of%20the%20Living%20Dead%20(1968)/Night%20of%20the%20Living%20Dead%20(1968).${format}`
    const expected = await probeDuration(video)
    const t0 = performance.now()
    const streamed = await probeDuration(url)
    t.diagnostic(`${format}: ffprobe over WebDAV ${Math.round(performance.now() - t0)} ms`)
    assert.ok(Math.abs(streamed - expected) < 0.05, `duration over WebDAV ${streamed} vs ${expected}`)

    // a seek to the middle decodes 2 s
    const t1 = performance.now()
    await run('ffmpeg', ['-v', 'error', '-ss', String(Math.floor(expected / 2)), '-i', url, '-t', '2', '-f', 'null', '-'], { timeout: 120_000 })
    t.diagnostic(`${format}: ffmpeg -ss middle -t 2 over WebDAV ${Math.round(performance.now() - t1)} ms`)

    // rclone, as an rclone mount feeding Plex/Jellyfin would read it
    const remotePath = `:webdav:Movies/Night of the Living Dead (1968)/Night of the Living Dead (1968).${format}`
    for (const [offset, count] of [[0, 1000], [Math.floor(source.length / 3), 300_000], [source.length - 777, 777]] as const) {
      const { stdout } = await run('rclone', ['cat', '--offset', String(offset), '--count', String(count), remotePath,
        '--webdav-url', `${app.url}/dav`, '--config', '/dev/null', '--low-level-retries', '1', '--retries', '1'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 })
      assert.ok(Buffer.from(stdout).equals(source.subarray(offset, offset + count)), `rclone cat --offset ${offset} --count ${count}`)
    }
  })
}
