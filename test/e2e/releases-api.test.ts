// The release routes over real HTTP against fake Prowlarr/Jackett indexers on loopback. Until
// the composition root registers them, the server here is built like app.ts's /api scope (the
// same error handling and validator) around registerReleaseRoutes, with a fake library
// (`items`); once wired, startApp (test/helpers/app.ts) replaces buildApi.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import { createLogger } from '../../src/logger.ts'
import { registerErrorHandling } from '../../src/http/errors.ts'
import { apiValidatorCompiler } from '../../src/api/validation.ts'
import { registerReleaseRoutes, type ReleaseItems } from '../../src/api/routes/releases.ts'
import { IndexerRegistry } from '../../src/indexers/registry.ts'
import type { IndexerSettings } from '../../src/indexers/types.ts'
import { ReleaseSearch } from '../../src/releases/search.ts'
import { apiClient } from '../helpers/api-client.ts'
import { startFakeTorznab } from '../helpers/fake-torznab.ts'

const ITEMS: ReleaseItems = {
  movie: (id) => id === 1 ? { title: 'Fight Club', year: 1999, tmdbId: 550, imdbId: 'tt0137523' } : null,
  episode: (id) => id === 7 ? { showTitle: 'Breaking Bad', year: 2008, tmdbId: 1396, tvdbId: 81189, season: 1, episode: 2 } : null,
  show: async (id) => await Promise.resolve(id === 3 ? { title: 'Breaking Bad', year: 2008, tmdbId: 1396, tvdbId: 81189 } : null)
}

async function buildApi (t: TestContext, settings: IndexerSettings[]): Promise<ReturnType<typeof apiClient>> {
  const logger = createLogger('silent')
  const server = Fastify({ loggerInstance: logger as FastifyBaseLogger })
  registerErrorHandling(server, logger)
  const indexers = new IndexerRegistry(settings)
  await server.register(async (scope) => {
    scope.setValidatorCompiler(apiValidatorCompiler)
    await registerReleaseRoutes(scope, { search: new ReleaseSearch({ indexers }), indexers, items: ITEMS })
  }, { prefix: '/api' })
  const url = await server.listen({ port: 0, host: '127.0.0.1' })
  t.after(async () => { await server.close() })
  return apiClient(url)
}

const hash = (c: string): string => c.repeat(40)

test('GET /api/movies/:id/releases: ranked releases with reasons, dropped ones with theirs, every indexer reported; no API key leaks', async (t) => {
  const p = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'p', apiKey: 'secret-p' })
  const j = await startFakeTorznab(t, { flavour: 'jackett', name: 'j', apiKey: 'secret-j' })
  p.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GROUP', magnet: `magnet:?xt=urn:btih:${hash('a')}`, seeders: 42 })
  j.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GROUP', magnet: `magnet:?xt=urn:btih:${hash('a')}`, seeders: 7 })
  j.addRelease({ title: 'Fight.Club.1999.CAM.x264-BAD', magnet: `magnet:?xt=urn:btih:${hash('c')}`, seeders: 900 })
  const api = await buildApi(t, [p.settings(), j.settings()])
  const res = await api.get('/api/movies/1/releases')
  assert.equal(res.status, 200)
  assert.equal(res.body.releases.length, 1)
  const [top] = res.body.releases
  assert.deepEqual([top.id, top.info_hash, top.seeders, top.indexers, top.group, top.rank], [hash('a'), hash('a'), 42, ['p', 'j'], 'movie', 1])
  assert.deepEqual(top.reasons, ['1080p: preferred #1 (+40)', 'BluRay: preferred #2 (+15)', 'x264: preferred #1 (+10)', '42 seeders (+16)'])
  assert.deepEqual(top.quality, { resolution: '1080p', source: 'BluRay', codec: 'x264', hdr: null, audio: null })
  assert.equal(top.parsed.release_group, 'GROUP')
  assert.deepEqual(res.body.dropped, [{ id: hash('c'), name: 'Fight.Club.1999.CAM.x264-BAD', indexers: ['j'], reason: 'excluded: CAM (source)' }])
  assert.deepEqual(res.body.indexers.map((i: { name: string, ok: boolean, count: number }) => [i.name, i.ok, i.count]), [['p', true, 1], ['j', true, 2]])
  const text = JSON.stringify(res.body)
  assert.ok(!text.includes('secret-p') && !text.includes('secret-j'))
})

test('unknown items are 404, a bad season 400; without indexers a search is 503 not_configured saying how to add one', async (t) => {
  const p = await startFakeTorznab(t)
  const api = await buildApi(t, [p.settings()])
  for (const path of ['/api/movies/2/releases', '/api/episodes/8/releases', '/api/shows/4/releases']) {
    const res = await api.get(path)
    assert.deepEqual([res.status, res.body.error.code], [404, 'not_found'], path)
  }
  assert.equal((await api.get('/api/shows/3/releases?season=x')).status, 400)
  assert.equal((await api.get('/api/movies/01/releases')).status, 400)
  const none = await buildApi(t, [])
  const res = await none.get('/api/movies/1/releases')
  assert.equal(res.status, 503)
  assert.equal(res.body.error.code, 'not_configured')
  assert.match(res.body.error.message, /indexers: \[\{name: prowlarr, url: "http:\/\/127\.0\.0\.1:9696\/1\/api", api_key:/)
  assert.deepEqual((await none.get('/api/indexers')).body, { indexers: [] })
})

test('episodes and shows: t=tvsearch with season/ep; a show without ?season asks for its packs', async (t) => {
  const p = await startFakeTorznab(t, { flavour: 'prowlarr' })
  p.addRelease({ title: 'Breaking.Bad.S01E02.720p.BluRay.x264-GROUP', magnet: `magnet:?xt=urn:btih:${hash('1')}`, categories: [5000] })
  p.addRelease({ title: 'Breaking.Bad.S01.1080p.BluRay.x264-GROUP', magnet: `magnet:?xt=urn:btih:${hash('2')}`, categories: [5000] })
  p.addRelease({ title: 'Breaking.Bad.S01-S05.1080p.BluRay.x265-GROUP', magnet: `magnet:?xt=urn:btih:${hash('3')}`, categories: [5000] })
  const api = await buildApi(t, [p.settings()])
  const ep = await api.get('/api/episodes/7/releases')
  assert.deepEqual(ep.body.releases.map((r: { group: string, pack: string }) => [r.group, r.pack]), [['episode', 'episode'], ['pack', 'season'], ['pack', 'multi-season']])
  const season = await api.get('/api/shows/3/releases?season=1')
  assert.deepEqual(season.body.releases.map((r: { group: string, rank: number }) => [r.group, r.rank]), [['pack', 1], ['pack', 2], ['episode', 1]])
  const show = await api.get('/api/shows/3/releases')
  assert.deepEqual(show.body.releases.map((r: { pack: string }) => r.pack), ['season', 'multi-season'])
  assert.deepEqual(p.searches().map((r) => [r.t, r.query.season, r.query.ep]), [['tvsearch', '1', '2'], ['tvsearch', '1', undefined], ['tvsearch', undefined, undefined]])
})

test('GET /api/indexers lists caps and last errors; POST /api/indexers/:name/test answers caps or the error with its status', async (t) => {
  const ok = await startFakeTorznab(t, { flavour: 'jackett', name: 'ok' })
  const locked = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'locked', apiKey: 'right' })
  const busy = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'busy' })
  busy.failNext(1, { kind: 'status', status: 429, retryAfter: '60' })
  const api = await buildApi(t, [ok.settings(), locked.settings({ apiKey: 'wrong' }), busy.settings()])

  const list = await api.get('/api/indexers')
  assert.equal(list.status, 200)
  const byName = Object.fromEntries(list.body.indexers.map((i: { name: string }) => [i.name, i]))
  assert.equal(byName.ok.url, ok.url)
  assert.deepEqual(byName.ok.caps.modes['tv-search'], { available: true, supported_params: ['q', 'season', 'ep'] })
  assert.deepEqual(byName.ok.caps.categories[0], { id: 2000, name: 'Movies', subcats: [{ id: 2030, name: 'Movies/SD' }, { id: 2040, name: 'Movies/HD' }, { id: 2045, name: 'Movies/UHD' }] })
  assert.equal(byName.ok.last_error, null)
  assert.equal(byName.locked.caps, null)
  assert.equal(byName.locked.last_error.code, 'auth_failed')
  assert.ok(!Number.isNaN(Date.parse(byName.locked.last_error.at)))
  assert.equal(byName.busy.last_error.code, 'rate_limited')
  assert.ok(byName.busy.retry_at !== null)

  const tested = await api.post('/api/indexers/ok/test')
  assert.deepEqual([tested.status, tested.body.ok, tested.body.caps.server], [200, true, 'Jackett'])
  const refused = await api.post('/api/indexers/locked/test')
  assert.deepEqual([refused.status, refused.body.error.code], [502, 'upstream_error'])
  assert.match(refused.body.error.message, /indexer "locked" refused the API key \(HTTP 401\); check the indexer's api_key/)
  busy.failNext(1, { kind: 'torznab-error', code: 429, description: 'Indexer is disabled till later due to recent failures.', status: 429, retryAfter: '30' })
  const limited = await api.post('/api/indexers/busy/test')
  assert.deepEqual([limited.status, limited.body.error.code, limited.headers.get('retry-after')], [429, 'rate_limited', '30'])
  const unknown = await api.post('/api/indexers/nope/test')
  assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'not_found'])
})

test('every indexer failing is still 200, with each error listed', async (t) => {
  const a = await startFakeTorznab(t, { name: 'a' })
  a.failNext(1, { kind: 'status', status: 503 })
  const api = await buildApi(t, [a.settings(), { name: 'down', url: 'http://127.0.0.1:1/api', apiKey: 'k', timeoutMs: 2000 }])
  const res = await api.get('/api/movies/1/releases')
  assert.equal(res.status, 200)
  assert.deepEqual(res.body.releases, [])
  assert.deepEqual(res.body.indexers.map((i: { error: { code: string } }) => i.error.code), ['http_error', 'unreachable'])
})
