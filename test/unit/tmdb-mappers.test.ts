import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dateOf, mapMovie, mapSearchPage, mapSeason, mapShow, yearOf } from '../../src/tmdb/mappers.ts'
import { parseRetryAfter } from '../../src/tmdb/request.ts'

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/tmdb/${name}.json`, import.meta.url), 'utf8'))

test('yearOf: dates, empty strings, null and garbage', () => {
  assert.equal(yearOf('1999-10-15'), 1999)
  assert.equal(yearOf(''), null)
  assert.equal(yearOf(null), null)
  assert.equal(yearOf(undefined), null)
  assert.equal(yearOf('soon'), null)
  assert.equal(yearOf('0001-01-01'), null, 'outside the schema range 1800..3000')
  assert.equal(dateOf('2008-01-20'), '2008-01-20')
  assert.equal(dateOf(''), null)
  assert.equal(dateOf('2008'), null)
})

test('mapMovie: Fight Club, Face/Off, and a movie with release_date ""', () => {
  assert.deepEqual(mapMovie(fixture('movie-550')), {
    tmdbId: 550, title: 'Fight Club', year: 1999, overview: fixture('movie-550').overview, posterPath: '/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg', backdropPath: '/hZkgoQYus5vegHoetLkCJzb17zJ.jpg'
  })
  assert.equal(mapMovie(fixture('movie-754')).title, 'Face/Off')
  const undated = mapMovie(fixture('movie-990001'))
  assert.equal(undated.year, null)
  assert.equal(undated.overview, null, 'empty overview becomes null')
  assert.equal(undated.posterPath, null)
  assert.equal(mapMovie({ id: 1, title: '  ', original_title: 'Orig', release_date: null }).title, 'Orig')
  assert.equal(mapMovie({ id: 2, title: 'Ame\u0301lie ' }).title, 'Am\u00e9lie', 'NFC and trimmed')
})

test('mapShow keeps season 0 ("Specials") and orders seasons', () => {
  const show = mapShow(fixture('tv-1396'))
  assert.equal(show.title, 'Breaking Bad')
  assert.equal(show.year, 2008)
  assert.deepEqual(show.seasonNumbers, [0, 1, 2])
  const shuffled = mapShow({ id: 2, name: 'X', first_air_date: '', seasons: [{ id: 1, season_number: 2 }, { id: 2, season_number: 0 }, { id: 3, season_number: 2 }] })
  assert.deepEqual(shuffled.seasonNumbers, [0, 2])
  assert.equal(shuffled.year, null)
  assert.deepEqual(mapShow({ id: 3, name: 'No seasons' }).seasonNumbers, [])
})

test('mapSeason: null names and air dates, duplicates and order', () => {
  const specials = mapSeason(fixture('tv-1396-season-0'))
  assert.equal(specials.seasonNumber, 0)
  assert.equal(specials.name, 'Specials')
  assert.deepEqual(specials.episodes[1], { episodeNumber: 2, name: 'Wedding Day', airDate: null })
  const odd = mapSeason({
    id: 1,
    season_number: 3,
    name: null,
    air_date: '',
    episodes: [
      { id: 3, episode_number: 2, season_number: 3, name: null, air_date: null },
      { id: 1, episode_number: 1, season_number: 3, name: '', air_date: '' },
      { id: 2, episode_number: 1, season_number: 3, name: 'dup', air_date: '2020-01-01' }
    ]
  })
  assert.equal(odd.name, null)
  assert.equal(odd.airDate, null)
  assert.deepEqual(odd.episodes, [{ episodeNumber: 1, name: null, airDate: null }, { episodeNumber: 2, name: null, airDate: null }])
  assert.deepEqual(mapSeason({ id: 9, season_number: 4 }).episodes, [])
})

test('mapSearchPage: movie and tv hits', () => {
  const movies = mapSearchPage(fixture('search-movie-fight-club-p1'))
  assert.equal(movies.totalResults, 2)
  assert.deepEqual(movies.results.map((r) => [r.tmdbId, r.title, r.year]), [[550, 'Fight Club', 1999], [1059865, 'Fight Club: Members Only', null]])
  const tv = mapSearchPage({ page: 1, total_pages: 1, total_results: 1, results: [{ id: 1396, name: 'Breaking Bad', first_air_date: '2008-01-20' }] })
  assert.deepEqual(tv.results[0], { tmdbId: 1396, title: 'Breaking Bad', year: 2008, overview: null, posterPath: null })
})

test('parseRetryAfter: seconds, HTTP dates, junk', () => {
  assert.equal(parseRetryAfter('2'), 2000)
  assert.equal(parseRetryAfter('0'), 0)
  assert.equal(parseRetryAfter(null), undefined)
  assert.equal(parseRetryAfter('soon'), undefined)
  const now = Date.parse('2026-01-01T00:00:00Z')
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000)
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0, 'a date in the past means now')
})
