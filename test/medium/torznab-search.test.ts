// ReleaseSearch against fake Prowlarr and Jackett indexers over real loopback HTTP: parallel
// searches bounded per indexer, failures reported per indexer, merging by info hash, the
// requests each indexer gets, .torrent-only releases and magnet redirects resolved on demand,
// and every body bounded.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { IndexerRegistry } from '../../src/indexers/registry.ts'
import { ReleaseSearch, type IndexerReport } from '../../src/releases/search.ts'
import type { ReleaseQuery } from '../../src/releases/types.ts'
import { NotConfiguredError, NotFoundError, UpstreamError } from '../../src/errors.ts'
import { makeTorrent, startFakeTorznab } from '../helpers/fake-torznab.ts'
import { withTimeout } from '../helpers/wait.ts'

const FIGHT_CLUB: ReleaseQuery = { kind: 'movie', title: 'Fight Club', year: 1999, tmdbId: 550, imdbId: 'tt0137523' }
const BB_S01E02: ReleaseQuery = { kind: 'episode', showTitle: 'Breaking Bad', year: 2008, tmdbId: 1396, tvdbId: 81189, season: 1, episode: 2 }
const HASH_A = 'a'.repeat(40)
const HASH_B = 'b'.repeat(40)
const magnet = (hash: string, name = 'x'): string => `magnet:?xt=urn:btih:${hash}&dn=${name}&tr=${encodeURIComponent('udp://tracker.example:1337/announce')}`

function byName (reports: IndexerReport[]): Record<string, IndexerReport> {
  return Object.fromEntries(reports.map((r) => [r.name, r]))
}

test('3 indexers, one stalled past its timeout and one refusing the key: the answer comes within the timeout and lists all three', async (t) => {
  const good = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'good' })
  good.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GROUP', magnet: magnet(HASH_A), seeders: 50 })
  const slow = await startFakeTorznab(t, { flavour: 'jackett', name: 'slow' })
  slow.stall() // never released: the fake closes when the test ends
  const locked = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'locked', apiKey: 'right' })
  const registry = new IndexerRegistry([good.settings(), slow.settings({ timeoutMs: 400 }), locked.settings({ apiKey: 'wrong' })])
  const search = new ReleaseSearch({ indexers: registry })

  const t0 = performance.now()
  const answer = await withTimeout(search.search(FIGHT_CLUB), 5000, 'the search')
  const ms = performance.now() - t0
  assert.ok(ms >= 350 && ms < 400 + 1500, `took ${ms} ms`)
  const r = byName(answer.indexers)
  assert.deepEqual([r.good?.ok, r.good?.count], [true, 1])
  assert.equal(r.slow?.error?.code, 'timeout')
  assert.match(r.slow?.error?.message ?? '', /indexer "slow" did not answer within 0.4 s/)
  assert.equal(r.locked?.error?.code, 'auth_failed')
  assert.deepEqual(answer.releases.map((x) => [x.id, x.indexers]), [[HASH_A, ['good']]])
  const status = Object.fromEntries(registry.status().map((s) => [s.name, s]))
  assert.equal(status.slow?.lastError?.code, 'timeout')
  assert.equal(status.locked?.lastError?.code, 'auth_failed')
  assert.equal(status.good?.lastError, null)
  assert.equal(status.good?.caps?.server, 'Prowlarr')

  // the next search asks the stalled indexer afresh: it does not inherit the first one's dead request
  const again = byName((await withTimeout(search.search(FIGHT_CLUB), 5000, 'the second search')).indexers)
  assert.equal(again.slow?.error?.code, 'timeout')
  assert.ok((again.slow?.ms ?? 0) >= 350, `second timeout after ${again.slow?.ms} ms`)
  assert.deepEqual(slow.requests.map((x) => x.t), ['caps', 'caps'])
})

test('a release two indexers share is merged by info hash: the highest seeders, both indexers, the real magnet', async (t) => {
  const p = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'p' })
  const j = await startFakeTorznab(t, { flavour: 'jackett', name: 'j' })
  p.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GROUP', magnet: magnet(HASH_A), seeders: 10 })
  j.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GROUP', magnet: magnet(HASH_A), seeders: 30 })
  j.addRelease({ title: 'Fight.Club.1999.720p.WEB-DL.x264-OTHER', magnet: magnet(HASH_B), seeders: 5 })
  const search = new ReleaseSearch({ indexers: new IndexerRegistry([p.settings(), j.settings()]) })
  const answer = await search.search(FIGHT_CLUB)
  assert.deepEqual(answer.releases.map((r) => [r.id, r.seeders, r.indexers]), [[HASH_A, 30, ['p', 'j']], [HASH_B, 5, ['j']]])
  // Prowlarr proxies its magnets through an http link; Jackett's magnet is the one kept
  assert.equal(answer.releases[0]?.magnetUri, magnet(HASH_A))
  assert.deepEqual(await search.resolveRelease(HASH_A), { magnetUri: magnet(HASH_A), infoHash: HASH_A, name: 'Fight.Club.1999.1080p.BluRay.x264-GROUP' })
})

test('each indexer is asked with the best mode its caps offer, its key and categories; caps are fetched once', async (t) => {
  const p = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'p' })
  const j = await startFakeTorznab(t, { flavour: 'jackett', name: 'j' })
  const search = new ReleaseSearch({ indexers: new IndexerRegistry([p.settings({ categories: [2040, 5040] }), j.settings()]) })
  await search.search(FIGHT_CLUB)
  await search.search(BB_S01E02)
  assert.deepEqual(p.requests.map((r) => r.t), ['caps', 'movie', 'tvsearch'])
  const [pMovie, pTv] = p.searches().map((r) => r.query)
  assert.deepEqual(pMovie, { t: 'movie', tmdbid: '550', imdbid: 'tt0137523', cat: '2040', limit: '100', extended: '1', apikey: 'fake-key' })
  assert.deepEqual(pTv, { t: 'tvsearch', tvdbid: '81189', tmdbid: '1396', season: '1', ep: '2', cat: '5040', limit: '100', extended: '1', apikey: 'fake-key' })
  const [jMovie, jTv] = j.searches().map((r) => r.query)
  assert.deepEqual(jMovie, { t: 'movie', imdbid: 'tt0137523', cat: '2000', limit: '100', extended: '1', apikey: 'fake-key' })
  assert.deepEqual(jTv, { t: 'tvsearch', q: 'Breaking Bad', season: '1', ep: '2', cat: '5000', limit: '100', extended: '1', apikey: 'fake-key' })
})

test('broken caps fall back to a plain t=search with the title', async (t) => {
  const j = await startFakeTorznab(t, { flavour: 'jackett' })
  j.failNext(1, { kind: 'malformed' })
  const answer = await new ReleaseSearch({ indexers: new IndexerRegistry([j.settings()]) }).search(BB_S01E02)
  assert.equal(answer.indexers[0]?.ok, true)
  assert.deepEqual(j.requests.map((r) => [r.t, r.query.q]), [['caps', undefined], ['search', 'Breaking Bad S01E02']])
})

test('429 with Retry-After is reported with retry_after, and the indexer is not asked again before then', async (t) => {
  const limited = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'limited' })
  limited.failNext(1, { kind: 'status', status: 429, retryAfter: '120' })
  const search = new ReleaseSearch({ indexers: new IndexerRegistry([limited.settings()]) })
  const first = await search.search(FIGHT_CLUB)
  assert.equal(first.indexers[0]?.error?.code, 'rate_limited')
  assert.equal(first.indexers[0]?.error?.retry_after, 120)
  const asked = limited.requests.length
  const second = await search.search(FIGHT_CLUB)
  assert.equal(limited.requests.length, asked)
  assert.equal(second.indexers[0]?.error?.code, 'rate_limited')
  assert.ok((second.indexers[0]?.error?.retry_after ?? 0) > 100)
})

test('every indexer failing is still an answer; no indexer at all is not configured', async (t) => {
  const a = await startFakeTorznab(t, { name: 'a' })
  const b = await startFakeTorznab(t, { flavour: 'jackett', name: 'b', apiKey: 'other' })
  a.failNext(1, { kind: 'status', status: 500 })
  const answer = await new ReleaseSearch({ indexers: new IndexerRegistry([a.settings(), b.settings({ apiKey: 'nope' })]) }).search(FIGHT_CLUB)
  assert.deepEqual(answer.releases, [])
  assert.deepEqual(answer.indexers.map((r) => [r.name, r.ok, r.error?.code]), [['a', false, 'http_error'], ['b', false, 'auth_failed']])
  // Jackett answers a wrong key with HTTP 200 and error 100
  assert.match(answer.indexers[1]?.error?.message ?? '', /Torznab error 100: Invalid API Key/)
  await assert.rejects(new ReleaseSearch({ indexers: new IndexerRegistry([]) }).search(FIGHT_CLUB), NotConfiguredError)
})

test('a .torrent-only release is resolved on demand into its hash and a magnet with its trackers, once', async (t) => {
  const j = await startFakeTorznab(t, { flavour: 'jackett', name: 'j' })
  const made = await makeTorrent('Fight.Club.1999.1080p.BluRay.x264-PRIV.mkv', 'not really a movie', { announce: ['http://127.0.0.1:1/announce'] })
  j.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-PRIV', torrent: made.torrent, seeders: 3 })
  const search = new ReleaseSearch({ indexers: new IndexerRegistry([j.settings()]) })
  const [release] = (await search.search(FIGHT_CLUB)).releases
  assert.ok(release !== undefined)
  assert.match(release.id, /^r[\w-]{15}$/)
  assert.equal(release.infoHash, null)
  assert.equal(release.magnetUri, null)
  const resolved = await search.resolveRelease(release.id)
  assert.equal(resolved.infoHash, made.infoHash)
  assert.equal(resolved.magnetUri, `magnet:?xt=urn:btih:${made.infoHash}&dn=Fight.Club.1999.1080p.BluRay.x264-PRIV.mkv&tr=${encodeURIComponent('http://127.0.0.1:1/announce')}`)
  await search.resolveRelease(release.id)
  assert.deepEqual(j.requests.filter((r) => r.kind === 'download').map((r) => r.query.jackett_apikey), ['fake-key'])
})

test('a download link that redirects to a magnet (Prowlarr 301) gives that magnet', async (t) => {
  const p = await startFakeTorznab(t, { flavour: 'prowlarr' })
  p.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GROUP', magnet: magnet(HASH_B, 'fc'), hideInfoHash: true })
  const search = new ReleaseSearch({ indexers: new IndexerRegistry([p.settings()]) })
  const [release] = (await search.search(FIGHT_CLUB)).releases
  assert.equal(release?.infoHash, null)
  assert.deepEqual(await search.resolveRelease(release?.id ?? ''), { magnetUri: magnet(HASH_B, 'fc'), infoHash: HASH_B, name: 'Fight.Club.1999.1080p.BluRay.x264-GROUP' })
})

test('bodies are bounded: an 8 MiB+ feed (with or without Content-Length) and a 4 MiB+ .torrent are refused', async (t) => {
  const a = await startFakeTorznab(t, { name: 'a' })
  const b = await startFakeTorznab(t, { name: 'b' })
  a.failNext(1, { kind: 'oversize', bytes: 9 * 1024 * 1024 })
  b.failNext(1, { kind: 'oversize', bytes: 9 * 1024 * 1024, chunked: true })
  const answer = await new ReleaseSearch({ indexers: new IndexerRegistry([a.settings(), b.settings()]) }).search(FIGHT_CLUB)
  assert.deepEqual(answer.indexers.map((r) => r.error?.code), ['too_large', 'too_large'])

  const j = await startFakeTorznab(t, { flavour: 'jackett' })
  j.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-HUGE', torrent: Buffer.alloc(5 * 1024 * 1024, 1) })
  const search = new ReleaseSearch({ indexers: new IndexerRegistry([j.settings()]) })
  const [release] = (await search.search(FIGHT_CLUB)).releases
  await assert.rejects(search.resolveRelease(release?.id ?? ''), (e: unknown) => e instanceof UpstreamError && /sent more than 4194304 bytes/.test(e.message))
})

test('malformed feeds and entity bombs are per-indexer failures, not crashes', async (t) => {
  const a = await startFakeTorznab(t, { name: 'a' })
  const b = await startFakeTorznab(t, { name: 'b' })
  // the first answer is caps; the search answers are the broken ones
  a.failNext(2, { kind: 'malformed' })
  b.failNext(2, { kind: 'billion-laughs' })
  const answer = await new ReleaseSearch({ indexers: new IndexerRegistry([a.settings(), b.settings()]) }).search(FIGHT_CLUB)
  assert.deepEqual(answer.indexers.map((r) => r.error?.code), ['malformed_response', 'malformed_response'])
  assert.match(answer.indexers[1]?.error?.message ?? '', /undefined entity/)
})

test('release ids expire with the cache; an unknown id is a 404', async (t) => {
  let now = 1_000_000
  const p = await startFakeTorznab(t, { flavour: 'jackett' })
  p.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GROUP', magnet: magnet(HASH_A) })
  const search = new ReleaseSearch({ indexers: new IndexerRegistry([p.settings()]), cacheTtlMs: 60_000, now: () => now })
  await search.search(FIGHT_CLUB)
  assert.equal((await search.resolveRelease(HASH_A)).infoHash, HASH_A)
  now += 60_001
  await assert.rejects(search.resolveRelease(HASH_A), (e: unknown) => e instanceof NotFoundError && /unknown or expired \(releases are kept 1 min/.test(e.message))
  await assert.rejects(search.resolveRelease('nope'), NotFoundError)
})
