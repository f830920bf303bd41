import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseTorrentRef } from '../../src/assignments/magnet.ts'
import { chooseFile, findFile, matchesEpisode } from '../../src/assignments/file-choice.ts'
import { InvalidInputError, UnprocessableError } from '../../src/errors.ts'
import type { TorrentFileInfo } from '../../src/torrent/types.ts'

const HEX = 'c9e15763f722f23e98a29decdfae341b98d53056'

test('magnet links with hex and base32 info hashes, and bare hashes', () => {
  assert.deepEqual(parseTorrentRef(`magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=x`), { infoHash: HEX, magnetUri: `magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=x` })
  // base32 of the same 20 bytes
  const b32 = 'ZHQVOY7XELZD5GFCTXWN7LRUDOMNKMCW'
  assert.equal(parseTorrentRef(`magnet:?xt=urn:btih:${b32}`).infoHash, HEX)
  assert.equal(parseTorrentRef(`  ${HEX}  `).magnetUri, `magnet:?xt=urn:btih:${HEX}`)
})

test('bad magnets are rejected with the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['http://example.org/file.torrent', /magnet link/],
    ['magnet:?dn=nothing', /xt=urn:btih/],
    ['magnet:?xt=urn:btih:1234', /not an info hash/],
    ['magnet:?xt=urn:btmh:1220abcd', /v2-only/],
    [`magnet:?xt=urn:btih:${HEX}&tr=ftp://x`, /tracker/]
  ]
  for (const [input, re] of cases) {
    assert.throws(() => parseTorrentRef(input), (err: unknown) => err instanceof InvalidInputError && re.test(err.message), input)
  }
})

function files (...paths: Array<[string, number]>): TorrentFileInfo[] {
  let offset = 0
  return paths.map(([path, length], index) => { const f = { index, path, length, offset }; offset += length; return f })
}

test('the single main video is chosen; samples, extras and non-videos are not', () => {
  const fs = files(['Movie/Movie.2020.1080p.mkv', 1000], ['Movie/Sample/movie-sample.mkv', 10], ['Movie/Movie.nfo', 1], ['Movie/Extras/Making of.mp4', 50], ['Movie/movie.trailer.mp4', 5])
  assert.equal(chooseFile(fs).path, 'Movie/Movie.2020.1080p.mkv')
})

test('several candidates give 422 listing them; an episode picks its SxxEyy', () => {
  const pack = files(['Show.S01/Show.S01E01.Pilot.mkv', 10], ['Show.S01/Show.S01E02.mkv', 10], ['Show.S01/show.1x03.mkv', 10])
  assert.throws(() => chooseFile(pack), (err: unknown) => {
    assert.ok(err instanceof UnprocessableError)
    assert.equal((err.details?.candidates as unknown[]).length, 3)
    return true
  })
  assert.equal(chooseFile(pack, { season: 1, episode: 2 }).path, 'Show.S01/Show.S01E02.mkv')
  assert.equal(chooseFile(pack, { season: 1, episode: 3 }).path, 'Show.S01/show.1x03.mkv')
  assert.throws(() => chooseFile(pack, { season: 2, episode: 1 }), UnprocessableError)
  assert.equal(matchesEpisode('a/Show S01E10.mkv', 1, 1), false)
  assert.equal(matchesEpisode('Show.s2e10.mkv', 2, 10), true)
  assert.throws(() => chooseFile(files(['readme.txt', 1])), /no video file/)
})

test('file_path matches with or without the torrent folder, NFC-insensitive', () => {
  const fs = files(['Pack/Cafe\u0301/ep.mkv', 5])
  assert.equal(findFile(fs, 'Pack/Café/ep.mkv', 'Pack').index, 0)
  assert.equal(findFile(fs, 'Café/ep.mkv', 'Pack').index, 0)
  assert.throws(() => findFile(fs, 'nope.mkv', 'Pack'), (err: unknown) => err instanceof UnprocessableError && Array.isArray(err.details?.files))
})
