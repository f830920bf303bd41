// Issue 13's "done when": a movie and a show added by TMDB id become playable through
// auto-assign alone, against fake Torznab indexers (Prowlarr and Jackett shapes, one failing)
// and real seeders on loopback. On the way: search, ranking with reasons, live swarm health
// against a real seeder and a dead hash, release ids in place of magnets.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { startApp, tempDir } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startFakeTorznab } from '../helpers/fake-torznab.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { freePort } from '../helpers/clients.ts'
import { KiB, writeFixture } from '../helpers/fixtures.ts'
import { apiClient } from '../helpers/api-client.ts'
import { dav, parseMultistatus } from '../helpers/dav.ts'
import { startFakeJellyfin } from '../helpers/fake-jellyfin.ts'
import { waitFor } from '../helpers/wait.ts'
import { DARK, DARK_TMDB_ID, seedDarkPacks } from '../helpers/season-packs.ts'

/** A magnet nobody seeds: its only peer hint is a port nothing listens on. */
async function deadMagnet (): Promise<string> {
  return `magnet:?xt=urn:btih:${randomBytes(20).toString('hex')}&dn=dead&x.pe=127.0.0.1:${await freePort()}`
}

async function indexers (t: TestContext) {
  const prowlarr = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'prowlarr' })
  const jackett = await startFakeTorznab(t, { flavour: 'jackett', name: 'jackett' })
  const broken = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'broken', apiKey: 'right-key' })
  const config = [prowlarr, jackett].map((i) => ({ name: i.name, url: i.url, api_key: i.apiKey, categories: [] as number[], timeout: 3 }))
  config.push({ name: broken.name, url: broken.url, api_key: 'wrong-key', categories: [], timeout: 3 })
  return { prowlarr, jackett, broken, config }
}

async function startWithIndexers (t: TestContext, tmdb: { url: string, apiKey: string }, config: Awaited<ReturnType<typeof indexers>>['config'], jellyfin?: { url: string, token: string }): ReturnType<typeof startApp> {
  return await startApp(t, {
    tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey },
    torrent: { add_timeout: 30, read_timeout: 30, start_paused: false },
    indexers: config,
    releases: { health_timeout: 5 },
    media_servers: jellyfin === undefined ? [] : [{ type: 'jellyfin', url: jellyfin.url, token: jellyfin.token, library_path: '/mnt/momoshtrem' }]
  })
}

test('a movie becomes playable through auto-assign: search, health, the best healthy release', { timeout: 120_000 }, async (t) => {
  const fixture = writeFixture(tempDir(t), { name: 'Fight.Club.1999.1080p.BluRay.x264-GRP', seed: 'fc', files: [{ path: 'Fight.Club.1999.1080p.BluRay.x264-GRP.mkv', length: 300 * KiB + 5 }, { path: 'RARBG.txt', length: 40 }] })
  const seeder = await startSeeder(t, { path: fixture.root, pieceLength: 16 * KiB })
  const dead = await deadMagnet()
  const tmdb = await startFakeTmdb(t)
  const idx = await indexers(t)
  idx.prowlarr.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-DEAD', magnet: dead, seeders: 900, size: 9 * 2 ** 30 })
  idx.prowlarr.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GRP', magnet: seeder.magnet, seeders: 12, size: 8 * 2 ** 30 })
  idx.jackett.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GRP', magnet: seeder.magnet, seeders: 15, size: 8 * 2 ** 30 })
  idx.jackett.addRelease({ title: 'Fight.Club.1999.CAM.x264-BAD', magnet: await deadMagnet(), seeders: 3000 })
  idx.jackett.addRelease({ title: 'Fight.Club.2.2004.1080p.WEB-DL.x264-NOPE', magnet: await deadMagnet(), seeders: 40 })
  const jellyfin = await startFakeJellyfin(t)
  const app = await startWithIndexers(t, tmdb, idx.config, jellyfin)
  const api = apiClient(app.url)
  const id = (await api.post('/api/movies', { tmdb_id: 550 })).body.id as number

  // the indexers as the UI lists them: caps, and the broken one's error
  const listed = await api.get('/api/indexers')
  assert.equal(listed.status, 200)
  assert.deepEqual(listed.body.indexers.map((i: any) => i.name), ['prowlarr', 'jackett', 'broken'])
  assert.equal((await api.post('/api/indexers/broken/test')).status, 502)
  assert.equal((await api.post('/api/indexers/nope/test')).status, 404)

  // search: merged by info hash, ranked with reasons; excluded and wrong-year releases dropped
  const found = await api.get(`/api/movies/${id}/releases`)
  assert.equal(found.status, 200, JSON.stringify(found.body))
  assert.deepEqual(found.body.indexers.map((i: any) => [i.name, i.ok]), [['prowlarr', true], ['jackett', true], ['broken', false]])
  const names = found.body.releases.map((r: any) => r.name)
  assert.deepEqual(names, ['Fight.Club.1999.1080p.BluRay.x264-DEAD', 'Fight.Club.1999.1080p.BluRay.x264-GRP'], 'the stale 900 seeders rank first')
  const good = found.body.releases[1]
  assert.deepEqual(good.indexers.sort(), ['jackett', 'prowlarr'])
  assert.ok(good.reasons.some((r: string) => /1080p/.test(r)))
  assert.ok(found.body.dropped.some((d: any) => /CAM/.test(d.name)))
  assert.ok(found.body.dropped.some((d: any) => /2004/.test(d.name)))

  // live health: the real seeder is there, the stale favourite is dead
  const health = await api.post('/api/releases/health', { release_ids: found.body.releases.map((r: any) => r.id) })
  assert.equal(health.status, 200, JSON.stringify(health.body))
  const [deadHealth, liveHealth] = health.body.results
  assert.equal(deadHealth.seeders, 0)
  assert.equal(deadHealth.metadata, false)
  assert.ok(liveHealth.seeders >= 1)
  assert.equal(liveHealth.metadata, true)
  assert.equal(liveHealth.name, fixture.name)
  assert.equal((await api.post('/api/releases/health', {})).status, 400)

  // a dry run names the choice and why; the real one assigns it
  const dry = await api.post(`/api/movies/${id}/auto-assign`, { dry_run: true })
  assert.equal(dry.status, 200, JSON.stringify(dry.body))
  assert.equal(dry.body.chosen.name, 'Fight.Club.1999.1080p.BluRay.x264-GRP')
  assert.match(dry.body.chosen.verdict, /chosen: healthy/)
  assert.match(dry.body.considered[0].verdict, /unhealthy/)
  assert.equal((await api.get(`/api/movies/${id}/assign`)).status, 404, 'a dry run stores nothing')
  const done = await api.post(`/api/movies/${id}/auto-assign`, {})
  assert.equal(done.status, 201, JSON.stringify(done.body))
  const assignment = (await api.get(`/api/movies/${id}/assign`)).body
  assert.equal(assignment.info_hash, seeder.infoHash)
  assert.equal(assignment.resolution, '1080p')
  // Jellyfin is told about the movie's folder (after the debounce), where its mount shows it
  await waitFor(() => jellyfin.updates().some((u) => u.Path === '/mnt/momoshtrem/Movies/Fight Club (1999)'), 20_000, 'the Jellyfin refresh')

  const res = await fetch(`${app.url}/dav/Movies/${encodeURIComponent('Fight Club (1999)')}/${encodeURIComponent('Fight Club (1999).mkv')}`, { signal: AbortSignal.timeout(30_000) })
  assert.equal(res.status, 200)
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), fixture.expected(fixture.files[0]!.path, 0, fixture.files[0]!.length))

  // assign by release id, in place of a magnet
  const second = (await api.post('/api/movies', { title: 'Fight Club Copy', year: 1999 })).body.id as number
  const byId = await api.post(`/api/movies/${second}/assign`, { release_id: good.id, file_path: fixture.files[0]!.path })
  assert.equal(byId.status, 201, JSON.stringify(byId.body))
  assert.equal(byId.body.info_hash, seeder.infoHash)
  assert.equal((await api.post(`/api/movies/${second}/assign`, { release_id: 'r-unknown' })).status, 404)
  assert.equal((await api.post(`/api/movies/${second}/assign`, { release_id: good.id, magnet_uri: seeder.magnet })).status, 400)
})

test('a 3-season show becomes playable through auto-assign from season packs', { timeout: 180_000 }, async (t) => {
  const packs = await seedDarkPacks(t)
  const tmdb = await startFakeTmdb(t)
  const idx = await indexers(t)
  const tv = { categories: [5000, 5040] }
  idx.prowlarr.addRelease({ title: 'Dark.S01.1080p.NF.WEB-DL.DDP5.1.x264-GRP', magnet: packs[0]!.seeder.magnet, seeders: 30, ...tv })
  idx.prowlarr.addRelease({ title: 'Dark.S02.1080p.NF.WEB-DL.DDP5.1.x264-DEAD', magnet: await deadMagnet(), seeders: 400, ...tv })
  idx.jackett.addRelease({ title: 'Dark.S02.720p.NF.WEB-DL.x264-GRP', magnet: packs[1]!.seeder.magnet, seeders: 20, ...tv })
  idx.jackett.addRelease({ title: 'Dark.S03.1080p.NF.WEB-DL.x264-Grp', magnet: packs[2]!.seeder.magnet, seeders: 25, ...tv })
  const app = await startWithIndexers(t, tmdb, idx.config)
  const api = apiClient(app.url)
  const showId = (await api.post('/api/shows', { tmdb_id: DARK_TMDB_ID })).body.id as number

  const season2 = await api.get(`/api/shows/${showId}/releases?season=2`)
  assert.equal(season2.status, 200)
  assert.deepEqual(season2.body.releases.filter((r: any) => r.group === 'pack').map((r: any) => r.name),
    ['Dark.S02.1080p.NF.WEB-DL.DDP5.1.x264-DEAD', 'Dark.S02.720p.NF.WEB-DL.x264-GRP'])

  const res = await api.post(`/api/shows/${showId}/auto-assign`, {})
  assert.equal(res.status, 201, JSON.stringify(res.body))
  assert.deepEqual(res.body.seasons.map((s: any) => [s.season, s.missing, s.pack?.name, s.stored]), [
    [1, 3, 'Dark.S01.1080p.NF.WEB-DL.DDP5.1.x264-GRP', 3],
    [2, 3, 'Dark.S02.720p.NF.WEB-DL.x264-GRP', 3],
    [3, 3, 'Dark.S03.1080p.NF.WEB-DL.x264-Grp', 3]
  ])
  assert.match(res.body.seasons[1].packs[0].verdict, /unhealthy/)

  // every episode plays: 8 videos (one holds S01E02-E03), each readable
  for (const [season, count] of [['01', 2], ['02', 3], ['03', 3]] as const) {
    const list = await dav(`${app.url}/dav/TV%20Shows/${encodeURIComponent(DARK)}/Season%20${season}/`, 'PROPFIND', { Depth: '1' })
    const videos = parseMultistatus(list.text).map((r) => decodeURIComponent(r.href)).filter((h) => h.endsWith('.mkv'))
    assert.equal(videos.length, count, `season ${season}: ${videos.join(', ')}`)
    for (const href of videos) {
      const got = await fetch(`${app.url}${href.split('/').map(encodeURIComponent).join('/')}`, { headers: { range: 'bytes=0-1023' }, signal: AbortSignal.timeout(30_000) })
      assert.equal(got.status, 206, href)
      assert.equal((await got.arrayBuffer()).byteLength, 1024)
    }
  }
  // a second run finds nothing to do
  const again = await api.post(`/api/shows/${showId}/auto-assign`, { dry_run: true })
  assert.equal(again.status, 200)
  assert.ok(again.body.seasons.every((s: any) => s.missing === 0 && /already/.test(s.verdict)))
})
