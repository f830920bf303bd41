// Choosing one OpenSubtitles result per wanted language, and the pure mappers around it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidInputError } from '../../src/errors.ts'
import { bestPerLanguage } from '../../src/subtitles/opensubtitles/best-match.ts'
import { fromApiLanguage, languageMatches, toQueryLanguages } from '../../src/subtitles/opensubtitles/languages.ts'
import { imdbNumber, mapCandidate, searchParams } from '../../src/subtitles/opensubtitles/mappers.ts'
import type { SubtitleCandidate } from '../../src/subtitles/opensubtitles/types.ts'

let nextId = 1
function cand (over: Partial<SubtitleCandidate>): SubtitleCandidate {
  const fileId = over.fileId ?? nextId++
  return {
    id: String(fileId), fileId, fileName: `${fileId}.srt`, language: 'en', languageTag: 'en', hearingImpaired: false, forced: false,
    moviehashMatch: false, downloadCount: 100, release: null, aiTranslated: false, machineTranslated: false, fps: null,
    fromTrusted: false, uploader: null, uploadDate: null, url: null, ...over
  }
}

const pick = (cs: SubtitleCandidate[], langs: string[], opts = {}): Array<number | undefined> =>
  bestPerLanguage(cs, langs, opts).map((m) => m.candidate.fileId)

test('a movie hash match beats more downloads', () => {
  const cs = [cand({ fileId: 1, downloadCount: 90_000 }), cand({ fileId: 2, moviehashMatch: true, downloadCount: 3 })]
  const [m] = bestPerLanguage(cs, ['en'])
  assert.equal(m?.candidate.fileId, 2)
  assert.match(m?.reason ?? '', /^movie hash match, human translation, full subtitles, not hearing impaired, 3 downloads, best of 2 candidates$/)
})

test('people before machines, then full before forced, then plain before SDH, then downloads', () => {
  assert.deepEqual(pick([cand({ fileId: 1, machineTranslated: true, downloadCount: 9999 }), cand({ fileId: 2 })], ['en']), [2])
  assert.deepEqual(pick([cand({ fileId: 1, aiTranslated: true, downloadCount: 9999 }), cand({ fileId: 2, hearingImpaired: true, forced: true })], ['en']), [2])
  assert.deepEqual(pick([cand({ fileId: 1, forced: true, downloadCount: 9999 }), cand({ fileId: 2, hearingImpaired: true })], ['en']), [2])
  assert.deepEqual(pick([cand({ fileId: 1, hearingImpaired: true, downloadCount: 9999 }), cand({ fileId: 2 })], ['en']), [2])
  assert.deepEqual(pick([cand({ fileId: 1, downloadCount: 5 }), cand({ fileId: 2, downloadCount: 50 })], ['en']), [2])
  // a hash match decides before translation quality (the brief's order)
  assert.deepEqual(pick([cand({ fileId: 1, machineTranslated: true, moviehashMatch: true }), cand({ fileId: 2 })], ['en']), [1])
})

test('SDH or forced when that is all there is; options prefer them', () => {
  const sdhOnly = [cand({ fileId: 1, hearingImpaired: true, downloadCount: 1 }), cand({ fileId: 2, hearingImpaired: true, downloadCount: 10 })]
  const [m] = bestPerLanguage(sdhOnly, ['en'])
  assert.equal(m?.candidate.fileId, 2)
  assert.match(m?.reason ?? '', /hearing impaired, 10 downloads/)
  const mixed = [cand({ fileId: 3, downloadCount: 1000 }), cand({ fileId: 4, hearingImpaired: true }), cand({ fileId: 5, forced: true })]
  assert.deepEqual(pick(mixed, ['en'], { hearingImpaired: 'prefer' }), [4])
  assert.deepEqual(pick(mixed, ['en'], { forced: 'prefer' }), [5])
})

test('one per wanted language, in the wanted order; languages without candidates are left out', () => {
  const cs = [
    cand({ fileId: 1, language: 'de', languageTag: 'de' }),
    cand({ fileId: 2, language: 'en', languageTag: 'en' }),
    cand({ fileId: 3, language: 'pt', languageTag: 'pt-BR', downloadCount: 500 }),
    cand({ fileId: 4, language: 'pt', languageTag: 'pt-PT', downloadCount: 50 })
  ]
  assert.deepEqual(bestPerLanguage(cs, ['fr', 'en', 'de']).map((m) => [m.language, m.candidate.fileId]), [['en', 2], ['de', 1]])
  // "pt" takes either variant; "pt-PT" only European Portuguese; a file is picked once
  assert.deepEqual(pick(cs, ['pt']), [3])
  assert.deepEqual(pick(cs, ['pt-PT']), [4])
  assert.deepEqual(pick(cs, ['pt-BR', 'pt']), [3, 4])
  assert.deepEqual(pick(cs, ['EN-us']), [2], 'a region OpenSubtitles does not keep matches the language')
  assert.deepEqual(bestPerLanguage([], ['en']), [])
})

test('ties end on trusted uploader, then the lower file id (stable picks)', () => {
  assert.deepEqual(pick([cand({ fileId: 8 }), cand({ fileId: 9, fromTrusted: true })], ['en']), [9])
  assert.deepEqual(pick([cand({ fileId: 8 }), cand({ fileId: 7 })], ['en']), [7])
})

test('query languages: OpenSubtitles codes, sorted, lower case, variants for pt and zh', () => {
  assert.equal(toQueryLanguages(['fr', 'EN', 'en-US', 'pt']), 'en,fr,pt-br,pt-pt')
  assert.equal(toQueryLanguages(['pt-BR', 'zh']), 'pt-br,zh-cn,zh-tw')
  assert.equal(toQueryLanguages(['pt_PT']), 'pt-pt')
  assert.equal(toQueryLanguages([]), undefined)
  assert.equal(toQueryLanguages([' ']), undefined)
})

test('result languages: ISO 639-1 plus a tag', () => {
  assert.deepEqual(fromApiLanguage('pt-BR'), { language: 'pt', tag: 'pt-BR' })
  assert.deepEqual(fromApiLanguage('pt-pt'), { language: 'pt', tag: 'pt-PT' })
  assert.deepEqual(fromApiLanguage('zh-CN'), { language: 'zh', tag: 'zh-CN' })
  assert.deepEqual(fromApiLanguage('EN'), { language: 'en', tag: 'en' })
  assert.deepEqual(fromApiLanguage('pb'), { language: 'pt', tag: 'pt-BR' })
  assert.deepEqual(fromApiLanguage('ea'), { language: 'es', tag: 'es-419' })
  assert.deepEqual(fromApiLanguage(null), { language: '', tag: '' })
  assert.equal(languageMatches('zh-TW', { language: 'zh', languageTag: 'zh-TW' }), true)
  assert.equal(languageMatches('zh-TW', { language: 'zh', languageTag: 'zh-CN' }), false)
})

test('search parameters: canonical order, ids without prefixes, validation', () => {
  assert.deepEqual(searchParams({ imdbId: 'tt0137523', tmdbId: 550, movieHash: '8E245D9679D31E12', languages: ['fr', 'en'] }, 1), [
    ['imdb_id', '137523'], ['languages', 'en,fr'], ['moviehash', '8e245d9679d31e12'], ['tmdb_id', '550']
  ])
  assert.deepEqual(searchParams({ parentTmdbId: 1396, season: 0, episode: 3, languages: [] }, 2), [
    ['episode_number', '3'], ['page', '2'], ['parent_tmdb_id', '1396'], ['season_number', '0']
  ])
  assert.equal(imdbNumber(137523), '137523')
  assert.equal(imdbNumber('0137523'), '137523')
  assert.throws(() => imdbNumber('tt'), InvalidInputError)
  assert.throws(() => searchParams({ languages: ['en'] }, 1), /needs a TMDB id, an IMDb id or a movie hash/)
  assert.throws(() => searchParams({ movieHash: 'xyz', languages: [] }, 1), /16 hex digits/)
  assert.throws(() => searchParams({ tmdbId: 1.5, languages: [] }, 1), InvalidInputError)
})

test('mapping a result: fields normalised; no file or several files (CDs) -> left out', () => {
  const raw = {
    id: '5797519',
    type: 'subtitle' as const,
    attributes: {
      language: 'pt-BR', download_count: 27447, hearing_impaired: true, foreign_parts_only: false, fps: 23.976, from_trusted: true,
      ai_translated: false, machine_translated: false, release: 'Fight.Club.1999.1080p.BluRay', moviehash_match: true,
      uploader: { uploader_id: 1, name: 'scooby', rank: 'translator' }, upload_date: '2021-01-22T23:02:40Z',
      url: 'https://www.opensubtitles.com/en/subtitles/legacy/1', files: [{ file_id: 1234, cd_number: 1, file_name: 'fc.srt' }]
    }
  }
  assert.deepEqual(mapCandidate(raw), {
    id: '5797519', fileId: 1234, fileName: 'fc.srt', language: 'pt', languageTag: 'pt-BR', hearingImpaired: true, forced: false,
    moviehashMatch: true, downloadCount: 27447, release: 'Fight.Club.1999.1080p.BluRay', aiTranslated: false, machineTranslated: false,
    fps: 23.976, fromTrusted: true, uploader: 'scooby', uploadDate: '2021-01-22T23:02:40Z', url: 'https://www.opensubtitles.com/en/subtitles/legacy/1'
  })
  assert.equal(mapCandidate({ ...raw, attributes: { ...raw.attributes, files: [] } }), undefined)
  assert.equal(mapCandidate({ ...raw, attributes: { ...raw.attributes, files: [{ file_id: 1 }, { file_id: 2 }] } }), undefined)
  const sparse = mapCandidate({ id: '1', type: 'subtitle', attributes: { files: [{ file_id: 5 }], fps: 0 } })
  assert.equal(sparse?.fps, null)
  assert.equal(sparse?.downloadCount, 0)
  assert.equal(sparse?.moviehashMatch, false)
})
