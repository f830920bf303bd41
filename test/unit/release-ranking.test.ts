// Ranking: which releases are the item (title, year ±1, season/episode, ids), which the
// preferences drop (exclude words, seeders, size), and the score with its reasons.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rankReleases } from '../../src/releases/ranking.ts'
import { normaliseTitle, sameTitle } from '../../src/releases/match.ts'
import { DEFAULT_RELEASE_PREFS, type Release, type ReleasePrefs, type ReleaseQuery } from '../../src/releases/types.ts'

let n = 0
function release (name: string, extra: Partial<Release> = {}): Release {
  n++
  return { id: `id${n}`, name, infoHash: null, magnetUri: null, size: 2 * 1024 ** 3, seeders: 10, peers: 12, indexers: ['a'], publishedAt: null, categories: [], imdbId: null, tmdbId: null, tvdbId: null, freeleech: false, ...extra }
}

const FIGHT_CLUB: ReleaseQuery = { kind: 'movie', title: 'Fight Club', year: 1999, tmdbId: 550, imdbId: 'tt0137523' }
const prefs = (p: Partial<ReleasePrefs> = {}): ReleasePrefs => ({ ...DEFAULT_RELEASE_PREFS, ...p })

function reasonOf (names: Release[], query: ReleaseQuery, p = prefs()): Record<string, string> {
  return Object.fromEntries(rankReleases(names, query, p).dropped.map((d) => [d.name, d.reason]))
}

test('titles compare normalised: case, accents, punctuation, "&", a country suffix, a missing space', () => {
  assert.equal(normaliseTitle('Marvel\'s Agents of S.H.I.E.L.D.'), 'marvels agents of s h i e l d')
  assert.ok(sameTitle('Marvels Agents of S H I E L D', 'Marvel\'s Agents of S.H.I.E.L.D.'))
  assert.ok(sameTitle('Le Fabuleux Destin d Amelie Poulain', 'Le Fabuleux Destin d\'Amélie Poulain'))
  assert.ok(sameTitle('Law and Order SVU', 'Law & Order: SVU'))
  assert.ok(sameTitle('The Office US', 'The Office'))
  assert.ok(sameTitle('Spiderman Far From Home', 'Spider-Man: Far From Home'))
  assert.ok(!sameTitle('Fight Club 2', 'Fight Club'))
  assert.ok(!sameTitle('Alien Romulus', 'Alien'))
})

test('a movie search keeps the movie and says why it drops the rest', () => {
  const rs = [
    release('Fight.Club.1999.1080p.BluRay.x264-GROUP'),
    release('Fight.Club.2000.720p.BluRay.x264-GROUP'), // ±1 tolerated
    release('Fight.Club.2004.1080p.BluRay.x264-GROUP'),
    release('Fight.Club.2.2019.1080p.WEB-DL-GROUP'),
    release('Fight.Club.S01E01.1080p.WEB-DL-GROUP'),
    release('Fight.Club.1999.CAM.x264-GROUP'),
    release('Fight.Club.1999.HDTS.x264-GROUP'),
    release('Fight.Club.1999.1080p.BluRay.x264-GROUP.Sample'),
    release('Der.Club.1999.1080p.BluRay.x264-GROUP', { tmdbId: 550 }), // the indexer's id decides
    release('Fight.Club.1999.1080p.BluRay.x264-OTHER', { imdbId: 999 })
  ]
  const { releases, dropped } = rankReleases(rs, FIGHT_CLUB, prefs())
  assert.deepEqual(releases.map((r) => r.name).sort(), ['Der.Club.1999.1080p.BluRay.x264-GROUP', 'Fight.Club.1999.1080p.BluRay.x264-GROUP', 'Fight.Club.2000.720p.BluRay.x264-GROUP'])
  assert.deepEqual(Object.fromEntries(dropped.map((d) => [d.name, d.reason])), {
    'Fight.Club.2004.1080p.BluRay.x264-GROUP': 'year 2004, not 1999 (±1)',
    'Fight.Club.2.2019.1080p.WEB-DL-GROUP': 'year 2019, not 1999 (±1)',
    'Fight.Club.S01E01.1080p.WEB-DL-GROUP': 'a TV release (S01E01)',
    'Fight.Club.1999.CAM.x264-GROUP': 'excluded: CAM (source)',
    'Fight.Club.1999.HDTS.x264-GROUP': 'excluded: TS (source)',
    'Fight.Club.1999.1080p.BluRay.x264-GROUP.Sample': 'a sample',
    'Fight.Club.1999.1080p.BluRay.x264-OTHER': 'the indexer tagged it as another title (its TMDB/IMDb/TVDB id differs)'
  })
  assert.ok(releases.every((r) => r.group === 'movie'))
})

test('the score carries its reasons: preferences by position, seeders log-scaled, REPACK, freeleech', () => {
  const p = prefs({ prefer: { resolutions: ['1080p', '2160p', '720p'], sources: ['WEB-DL', 'BluRay'], codecs: ['x265', 'x264'] } })
  const { releases } = rankReleases([
    release('Fight.Club.1999.REPACK.1080p.WEB-DL.x265-GROUP', { seeders: 42, freeleech: true }),
    release('Fight.Club.1999.720p.BluRay.x264-GROUP', { seeders: 1000 }),
    release('Fight.Club.1999.480p.DVDRip.XviD-GROUP', { seeders: null })
  ], FIGHT_CLUB, p)
  assert.deepEqual(releases.map((r) => [r.rank, r.score, r.reasons]), [
    [1, 40 + 20 + 10 + 16 + 5 + 2, ['1080p: preferred #1 (+40)', 'WEB-DL: preferred #1 (+20)', 'x265: preferred #1 (+10)', '42 seeders (+16)', 'REPACK (+5)', 'freeleech (+2)']],
    [2, 13 + 10 + 5 + 30, ['720p: preferred #3 (+13)', 'BluRay: preferred #2 (+10)', 'x264: preferred #2 (+5)', '1000 seeders (+30)']],
    [3, 0, ['480p: not preferred (+0)', 'DVD: not preferred (+0)', 'XviD: not preferred (+0)', 'seeders unknown (+0)']]
  ])
})

test('preferences and exclude words are read like release names: WEB, h265, 4K, ts', () => {
  const p = prefs({ prefer: { resolutions: ['4K'], sources: ['web'], codecs: ['h265'] }, exclude: ['ts', 'HC', 'x264'] })
  const { releases, dropped } = rankReleases([
    release('Fight.Club.1999.2160p.WEB.h265-GROUP'),
    release('Fight.Club.1999.TS.1080p-GROUP'),
    release('Fight.Club.1999.1080p.HC.WEB.x265-GROUP'),
    release('Fight.Club.1999.1080p.WEB.x264-GROUP'),
    release('Fight.Club.1999.1080p.HCTV.WEB.x265-GROUP') // HC only as a whole token
  ], FIGHT_CLUB, p)
  assert.deepEqual(releases[0]?.reasons.slice(0, 3), ['2160p: preferred #1 (+40)', 'WEB-DL: preferred #1 (+20)', 'x265: preferred #1 (+10)'])
  assert.deepEqual(releases.map((r) => r.name), ['Fight.Club.1999.2160p.WEB.h265-GROUP', 'Fight.Club.1999.1080p.HCTV.WEB.x265-GROUP'])
  assert.deepEqual(dropped.map((d) => d.reason), ['excluded: TS (source)', 'excluded: "HC" in the name', 'excluded: x264 (codec)'])
})

test('min_seeders and max_size_gb (GiB, 0 = no limit) drop with the numbers; unknown seeders stay', () => {
  const rs = [
    release('Fight.Club.1999.1080p.BluRay.x264-A', { seeders: 2 }),
    release('Fight.Club.1999.1080p.BluRay.x264-B', { size: 50 * 1024 ** 3 }),
    release('Fight.Club.1999.1080p.BluRay.x264-C', { seeders: null }),
    release('Fight.Club.1999.1080p.BluRay.x264-D', { seeders: 0 })
  ]
  assert.deepEqual(reasonOf(rs, FIGHT_CLUB, prefs({ min_seeders: 3, max_size_gb: 40 })), {
    'Fight.Club.1999.1080p.BluRay.x264-A': '2 seeders, below min_seeders 3',
    'Fight.Club.1999.1080p.BluRay.x264-B': '50.0 GB, over max_size_gb 40',
    'Fight.Club.1999.1080p.BluRay.x264-D': '0 seeders, below min_seeders 3'
  })
  assert.equal(rankReleases(rs, FIGHT_CLUB, prefs({ min_seeders: 0, max_size_gb: 0 })).dropped.length, 0)
})

test('an episode search keeps that episode (multi-episode files too), then packs of its season, ranked apart', () => {
  const q: ReleaseQuery = { kind: 'episode', showTitle: 'Breaking Bad', year: 2008, tmdbId: 1396, tvdbId: 81189, season: 2, episode: 3 }
  const { releases, dropped } = rankReleases([
    release('Breaking.Bad.S02E03.720p.BluRay.x264-GROUP', { seeders: 5 }),
    release('Breaking.Bad.S02E02-E04.1080p.BluRay.x264-GROUP'),
    release('Breaking.Bad.S02.1080p.BluRay.x264-GROUP', { seeders: 500 }),
    release('Breaking.Bad.S01-S05.1080p.BluRay.x265-GROUP'),
    release('Breaking.Bad.S02E04.720p.BluRay.x264-GROUP'),
    release('Breaking.Bad.S03E03.720p.BluRay.x264-GROUP'),
    release('Breaking.Bad.S03.720p.BluRay.x264-GROUP'),
    release('Better.Call.Saul.S02E03.720p.WEB-DL-GROUP'),
    release('Breaking.Bad.1080p.BluRay.x264-GROUP')
  ], q, prefs())
  assert.deepEqual(releases.map((r) => [r.group, r.rank, r.name]), [
    ['episode', 1, 'Breaking.Bad.S02E02-E04.1080p.BluRay.x264-GROUP'],
    ['episode', 2, 'Breaking.Bad.S02E03.720p.BluRay.x264-GROUP'],
    ['pack', 1, 'Breaking.Bad.S02.1080p.BluRay.x264-GROUP'],
    ['pack', 2, 'Breaking.Bad.S01-S05.1080p.BluRay.x265-GROUP']
  ])
  assert.deepEqual(dropped.map((d) => d.reason), [
    'S02E04, not episode 3',
    'S03E03, not season 2',
    'season 3, not season 2',
    'a different title ("Better Call Saul")',
    'no season or episode in the name'
  ])
})

test('a season search ranks packs covering the season first, then its single episodes; pack kinds are reported', () => {
  const q: ReleaseQuery = { kind: 'season', showTitle: 'The Wire', year: 2002, season: 3 }
  const { releases, dropped } = rankReleases([
    release('The.Wire.S03E01.720p.BluRay.x264-GROUP'),
    release('The.Wire.S03.1080p.BluRay.x264-GROUP'),
    release('The.Wire.S01-S05.COMPLETE.1080p.BluRay.x265-GROUP'),
    release('The.Wire.Complete.Series.720p.BluRay.x264-GROUP'),
    release('The.Wire.S01-S02.1080p.BluRay.x264-GROUP'),
    release('The.Wire.S04E01.720p.BluRay.x264-GROUP')
  ], q, prefs())
  assert.deepEqual(releases.map((r) => [r.group, r.parsed.pack]), [['pack', 'season'], ['pack', 'multi-season'], ['pack', 'complete'], ['episode', 'episode']])
  assert.deepEqual(dropped.map((d) => d.reason), ['seasons 1-2, not season 3', 'S04E01, not season 3'])
})

test('a show search (no season) keeps packs only', () => {
  const q: ReleaseQuery = { kind: 'show', showTitle: 'The Wire', year: 2002 }
  const r = reasonOf([release('The.Wire.S03E01.720p.BluRay.x264-GROUP'), release('The.Wire.S01-S05.1080p.BluRay.x264-GROUP')], q)
  assert.deepEqual(r, { 'The.Wire.S03E01.720p.BluRay.x264-GROUP': 'a single episode (S03E01); search a season or an episode for those' })
})

test('daily shows match by air date; anime absolute numbers only within season 1', () => {
  const daily: ReleaseQuery = { kind: 'episode', showTitle: 'The Daily Show', year: 1996, season: 29, episode: 30, airDate: '2024-03-15' }
  const { releases, dropped } = rankReleases([
    release('The.Daily.Show.2024.03.15.Jon.Stewart.720p.WEB.h264-EDITH'),
    release('The.Daily.Show.2024.03.14.Guest.720p.WEB.h264-EDITH')
  ], daily, prefs())
  assert.deepEqual(releases.map((r) => r.name), ['The.Daily.Show.2024.03.15.Jon.Stewart.720p.WEB.h264-EDITH'])
  assert.deepEqual(dropped.map((d) => d.reason), ['aired 2024-03-14, not 2024-03-15'])

  const frieren = (season: number, episode: number): ReleaseQuery => ({ kind: 'episode', showTitle: 'Frieren', season, episode })
  const name = '[SubsPlease] Frieren - 13 (1080p) [ABCD1234].mkv'
  assert.equal(rankReleases([release(name)], frieren(1, 13)).releases.length, 1)
  assert.deepEqual(reasonOf([release(name)], frieren(2, 13)), { [name]: 'episode 13 (absolute numbering): the season is unknown' })
})

test('a longer title of the same year is the movie (Star Wars Episode IV), of another year it is not', () => {
  const q: ReleaseQuery = { kind: 'movie', title: 'Star Wars', year: 1977, tmdbId: 11 }
  const { releases, dropped } = rankReleases([
    release('Star.Wars.Episode.IV.A.New.Hope.1977.1080p.BluRay.x264-GROUP'),
    release('Star.Wars.The.Last.Jedi.2017.1080p.BluRay.x264-GROUP')
  ], q, prefs())
  assert.equal(releases.length, 1)
  assert.equal(dropped[0]?.reason, 'year 2017, not 1977 (±1)')
})
