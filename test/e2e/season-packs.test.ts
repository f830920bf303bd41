// Issue 12 end to end: three season packs seeded by a real webtorrent seeder each, assigned to
// a 3-season show in three calls (dry run first, an existing assignment kept, then replaced),
// published with Plex/Jellyfin names (one multi-episode file, subtitles next to their videos),
// read back over WebDAV byte for byte, and unchanged after a restart.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import type { Fixture } from '../helpers/fixtures.ts'
import { dav, parseMultistatus } from '../helpers/dav.ts'
import { apiClient } from '../helpers/api-client.ts'
import { DARK, DARK_TMDB_ID, seedDarkPacks } from '../helpers/season-packs.ts'

/** name -> size of the files in a WebDAV folder. */
async function listing (url: string, folder: string): Promise<Map<string, number>> {
  const res = await dav(`${url}/dav/${folder.split('/').map(encodeURIComponent).join('/')}/`, 'PROPFIND', { Depth: '1' })
  assert.equal(res.status, 207, folder)
  const out = new Map<string, number>()
  for (const r of parseMultistatus(res.text)) {
    const props = r.propstats.find((p) => p.status.includes('200'))?.props
    const size = props?.get('DAV:getcontentlength')?.text
    if (size === undefined) continue
    out.set(decodeURIComponent(r.href.replace(/\/$/, '').split('/').pop()!), Number(size))
  }
  return out
}

async function davBytes (url: string, folder: string, name: string): Promise<Buffer> {
  const res = await fetch(`${url}/dav/${[...folder.split('/'), name].map(encodeURIComponent).join('/')}`, { signal: AbortSignal.timeout(30_000) })
  assert.equal(res.status, 200, `${folder}/${name}`)
  return Buffer.from(await res.arrayBuffer())
}

const size = (fx: Fixture, rel: string): number => fx.files.find((f) => f.relPath === rel)!.length
const bytes = (fx: Fixture, rel: string): Buffer => { const f = fx.files.find((x) => x.relPath === rel)!; return fx.expected(f.path, 0, f.length) }

test('three season packs make a 3-season show playable, with subtitles, in three calls', { timeout: 180_000 }, async (t) => {
  const [s1, s2, s3] = await seedDarkPacks(t)
  const tmdb = await startFakeTmdb(t)
  const config = { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey }, torrent: { add_timeout: 30, read_timeout: 30, start_paused: false } }
  const app = await startApp(t, config)
  const api = apiClient(app.url)
  const show = await api.post('/api/shows', { tmdb_id: DARK_TMDB_ID })
  assert.equal(show.status, 201)
  const showId = show.body.id as number
  const assignmentOf = async (id: number): Promise<any> => {
    const res = await api.get(`/api/episodes/${id}/assign`)
    assert.ok(res.status === 200 || res.status === 404, JSON.stringify(res.body))
    return res.status === 404 ? null : res.body
  }
  const episodeId = (season: number, episode: number): number =>
    show.body.seasons.find((s: any) => s.season_number === season).episodes.find((e: any) => e.episode_number === episode).id

  // a dry run plans season 1 and stores nothing
  const dry = await api.post(`/api/shows/${showId}/assign`, { magnet_uri: s1!.seeder.magnet, season: 1, dry_run: true })
  assert.equal(dry.status, 200, JSON.stringify(dry.body))
  assert.equal(dry.body.dry_run, true)
  assert.deepEqual(dry.body.episodes.map((e: any) => [e.episode, e.action, e.file?.episodes, e.file?.confidence]),
    [[1, 'assign', 'S01E01', 'high'], [2, 'assign', 'S01E02E03', 'high'], [3, 'assign', 'S01E02E03', 'high']])
  assert.deepEqual(dry.body.stored, [])
  const unmatched = new Map(dry.body.unmatched_files.map((f: any) => [f.path.split('/').slice(1).join('/'), f.reason]))
  for (const rel of ['Sample/dark.s01e01.1080p.sample.mkv', 'Featurettes/Dark.Making.Of.1080p.mkv', 'RARBG.txt']) {
    assert.ok(unmatched.has(rel), `${rel} is reported unmatched: ${JSON.stringify(dry.body.unmatched_files)}`)
  }
  assert.equal((await assignmentOf(episodeId(1, 1))), null, 'a dry run stores nothing')

  // season 1, without naming the season: every confident match stored in one call
  const applied = await api.post(`/api/shows/${showId}/assign`, { magnet_uri: s1!.seeder.magnet })
  assert.equal(applied.status, 201, JSON.stringify(applied.body))
  assert.equal(applied.body.counts.stored, 3)
  assert.deepEqual(applied.body.missing_episodes, [])
  const e2 = (await assignmentOf(episodeId(1, 2)))
  const e3 = (await assignmentOf(episodeId(1, 3)))
  assert.equal(e2.file_path, e3.file_path, 'the multi-episode file backs both episodes')

  // season 2 with S02E01 already assigned (to a file of another torrent): kept, then replaced
  const single = await api.post(`/api/episodes/${episodeId(2, 1)}/assign`, { magnet_uri: s1!.seeder.magnet, file_path: s1!.fixture.files[0]!.path })
  assert.equal(single.status, 201)
  const kept = await api.post(`/api/shows/${showId}/assign`, { magnet_uri: s2!.seeder.magnet, season: 2 })
  assert.equal(kept.status, 201, JSON.stringify(kept.body))
  assert.deepEqual(kept.body.episodes.map((e: any) => [e.episode, e.action]), [[1, 'keep'], [2, 'assign'], [3, 'assign']])
  assert.deepEqual(kept.body.existing.map((e: any) => [e.episode, e.assignment_id, e.kept]), [[1, single.body.id, true]])
  assert.equal((await assignmentOf(episodeId(2, 1))).id, single.body.id)
  const replaced = await api.post(`/api/shows/${showId}/assign`, { magnet_uri: s2!.seeder.magnet, season: 2, replace: true })
  assert.equal(replaced.status, 201)
  assert.deepEqual(replaced.body.episodes.map((e: any) => [e.episode, e.action]), [[1, 'replace'], [2, 'same'], [3, 'same']])
  assert.equal((await assignmentOf(episodeId(2, 1))).file_path, `${s2!.fixture.name}/Season 2/E01 - Beginnings and Endings.mkv`)

  const third = await api.post(`/api/shows/${showId}/assign`, { magnet_uri: s3!.seeder.magnet, season: 3 })
  assert.equal(third.status, 201)
  assert.equal(third.body.counts.stored, 3)

  // the tree: one file per video, the multi-episode file once, subtitles next to their videos
  const expected = (): Record<string, Array<[string, number]>> => ({
    'Season 01': [
      [`${DARK} - S01E01 - Secrets.mkv`, size(s1!.fixture, 'Dark.S01E01.1080p.NF.WEB-DL.DDP5.1.x264-GRP.mkv')],
      [`${DARK} - S01E01 - Secrets.en.srt`, size(s1!.fixture, 'Dark.S01E01.1080p.NF.WEB-DL.DDP5.1.x264-GRP.en.srt')],
      [`${DARK} - S01E02-E03 - Lies.mkv`, size(s1!.fixture, 'Dark.S01E02E03.1080p.NF.WEB-DL.DDP5.1.x264-GRP.mkv')],
      [`${DARK} - S01E02-E03 - Lies.en.srt`, size(s1!.fixture, 'Subs/Dark.S01E02E03.1080p.NF.WEB-DL.DDP5.1.x264-GRP/2_English.srt')],
      [`${DARK} - S01E02-E03 - Lies.de.srt`, size(s1!.fixture, 'Subs/Dark.S01E02E03.1080p.NF.WEB-DL.DDP5.1.x264-GRP/3_German.srt')]
    ],
    'Season 02': [
      [`${DARK} - S02E01 - Beginnings and Endings.mkv`, size(s2!.fixture, 'Season 2/E01 - Beginnings and Endings.mkv')],
      [`${DARK} - S02E02 - Dark Matter.mkv`, size(s2!.fixture, 'Season 2/Dark - 2x02 - Dark Matter.mkv')],
      [`${DARK} - S02E03 - Ghosts.mkv`, size(s2!.fixture, 'Season 2/Dark.S02E03.Ghosts.720p.mkv')],
      [`${DARK} - S02E03 - Ghosts.srt`, size(s2!.fixture, 'Season 2/Dark.S02E03.Ghosts.720p.srt')]
    ],
    'Season 03': [
      [`${DARK} - S03E01 - Deja-vu.mkv`, size(s3!.fixture, '[Grp] Dark - S03E01 [1080p].mkv')],
      [`${DARK} - S03E01 - Deja-vu.ass`, size(s3!.fixture, '[Grp] Dark - S03E01 [1080p].ass')],
      [`${DARK} - S03E02 - The Survivors.mkv`, size(s3!.fixture, '[Grp] Dark - S03E02 [1080p].mkv')],
      [`${DARK} - S03E02 - The Survivors.ass`, size(s3!.fixture, '[Grp] Dark - S03E02 [1080p].ass')],
      [`${DARK} - S03E03 - Adam and Eva.mkv`, size(s3!.fixture, '[Grp] Dark - S03E03 [1080p].mkv')]
    ]
  })
  const checkTree = async (url: string): Promise<void> => {
    for (const [season, files] of Object.entries(expected())) {
      assert.deepEqual([...(await listing(url, `TV Shows/${DARK}/${season}`))].sort(), files.sort(), season)
    }
  }
  await checkTree(app.url)

  // videos and subtitles stream from their torrents, byte for byte
  const season1 = `TV Shows/${DARK}/Season 01`
  assert.deepEqual(await davBytes(app.url, season1, `${DARK} - S01E02-E03 - Lies.de.srt`),
    bytes(s1!.fixture, 'Subs/Dark.S01E02E03.1080p.NF.WEB-DL.DDP5.1.x264-GRP/3_German.srt'))
  assert.deepEqual(await davBytes(app.url, season1, `${DARK} - S01E02-E03 - Lies.mkv`),
    bytes(s1!.fixture, 'Dark.S01E02E03.1080p.NF.WEB-DL.DDP5.1.x264-GRP.mkv'))
  assert.deepEqual(await davBytes(app.url, `TV Shows/${DARK}/Season 03`, `${DARK} - S03E02 - The Survivors.ass`),
    bytes(s3!.fixture, '[Grp] Dark - S03E02 [1080p].ass'))

  // a playlist of the library, of the show, of one season: absolute WebDAV URLs that play
  const m3u = async (query: string): Promise<string[]> => {
    const res = await fetch(`${app.url}/api/export.m3u${query}`, { signal: AbortSignal.timeout(10_000) })
    assert.equal(res.status, 200, query)
    assert.match(res.headers.get('content-type') ?? '', /audio\/x-mpegurl/)
    const lines = (await res.text()).trim().split('\n')
    assert.equal(lines[0], '#EXTM3U')
    return lines.filter((l) => !l.startsWith('#'))
  }
  assert.equal((await m3u('')).length, 8, 'every video once, subtitles left out')
  const seasonOne = await m3u(`?show=${showId}&season=1`)
  assert.deepEqual(seasonOne.map((u) => decodeURIComponent(u.slice(u.lastIndexOf('/') + 1))), [`${DARK} - S01E01 - Secrets.mkv`, `${DARK} - S01E02-E03 - Lies.mkv`])
  assert.ok(seasonOne.every((u) => u.startsWith(`${app.url}/dav/`)))
  const played = await fetch(seasonOne[1]!, { headers: { range: 'bytes=0-99' }, signal: AbortSignal.timeout(30_000) })
  assert.equal(played.status, 206)
  assert.equal((await m3u(`?show=${showId}`)).length, 8)
  assert.equal((await fetch(`${app.url}/api/export.m3u?show=${showId}&season=9`)).status, 404)
  assert.equal((await fetch(`${app.url}/api/export.m3u?show=999`)).status, 404)

  // the subtitle list of an episode says where each one comes from
  const subs = await api.get(`/api/episodes/${episodeId(1, 2)}/subtitles`)
  assert.equal(subs.status, 200)
  assert.deepEqual(subs.body.items.map((s: any) => [s.language, s.origin, s.format]).sort(), [['de', 'torrent', 'srt'], ['en', 'torrent', 'srt']])

  // a restart keeps everything
  await app.close()
  const again = await startApp(t, config, app.dataDir)
  await checkTree(again.url)
  assert.deepEqual(await davBytes(again.url, `TV Shows/${DARK}/Season 02`, `${DARK} - S02E03 - Ghosts.srt`),
    bytes(s2!.fixture, 'Season 2/Dark.S02E03.Ghosts.720p.srt'))
})

test('pack assign: unknown show or season 404, bad bodies 400, a torrent with nothing matching stores nothing', { timeout: 90_000 }, async (t) => {
  const [s1] = await seedDarkPacks(t)
  const tmdb = await startFakeTmdb(t)
  const app = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey }, torrent: { add_timeout: 30, start_paused: false } })
  const api = apiClient(app.url)
  const show = await api.post('/api/shows', { tmdb_id: DARK_TMDB_ID })
  const showId = show.body.id as number
  assert.equal((await api.post('/api/shows/999/assign', { magnet_uri: s1!.seeder.magnet })).status, 404)
  const noSeason = await api.post(`/api/shows/${showId}/assign`, { magnet_uri: s1!.seeder.magnet, season: 7 })
  assert.equal(noSeason.status, 404)
  assert.match(noSeason.body.error.message, /no season 7/)
  for (const body of [{}, { magnet_uri: 'nope' }, { magnet_uri: s1!.seeder.magnet, season: -1 }, { magnet_uri: s1!.seeder.magnet, dry_run: 'yes' }, { magnet_uri: s1!.seeder.magnet, extra: 1 }]) {
    const res = await api.post(`/api/shows/${showId}/assign`, body)
    assert.equal(res.status, 400, JSON.stringify(body))
    assert.equal(res.body.error.code, 'invalid_input')
  }
  // season 1's pack offered as season 2: nothing of it is in season 2
  const wrong = await api.post(`/api/shows/${showId}/assign`, { magnet_uri: s1!.seeder.magnet, season: 2 })
  assert.equal(wrong.status, 200, JSON.stringify(wrong.body))
  assert.deepEqual(wrong.body.episodes.map((e: any) => e.action), ['missing', 'missing', 'missing'])
  assert.equal(wrong.body.counts.stored, 0)
  // the torrent added for an assign that kept nothing is not kept loaded
  assert.equal((await api.get('/api/torrents')).body.total, 0)
})
