import { test } from 'node:test'
import assert from 'node:assert/strict'
import { languageOf, readSubtitleTags, tokenize } from '../../src/subtitles/language.ts'

interface Case {
  path: string
  /** Base name of the video the subtitle goes with. */
  video?: string
  language: string | null
  forced?: boolean
  sdh?: boolean
}

const CASES: Case[] = [
  // RARBG-style Subs/ folders: "<n>_<Language>.srt"
  { path: 'Movie.2019.1080p.BluRay.x264-GRP/Subs/2_English.srt', video: 'Movie.2019.1080p.BluRay.x264-GRP', language: 'en' },
  { path: 'Movie.2019.1080p.BluRay.x264-GRP/Subs/3_Eng.srt', video: 'Movie.2019.1080p.BluRay.x264-GRP', language: 'en' },
  { path: 'Movie.2019.1080p.BluRay.x264-GRP/Subs/4_French.srt', video: 'Movie.2019.1080p.BluRay.x264-GRP', language: 'fr' },
  { path: 'Movie.2019.1080p.BluRay.x264-GRP/Subs/12_Spanish.srt', video: 'Movie.2019.1080p.BluRay.x264-GRP', language: 'es' },
  { path: 'Movie.2019.1080p.BluRay.x264-GRP/Subs/21_Brazilian.srt', video: 'Movie.2019.1080p.BluRay.x264-GRP', language: 'pt' },
  { path: 'Movie.2019.1080p.BluRay.x264-GRP/Subs/30_Chinese.srt', video: 'Movie.2019.1080p.BluRay.x264-GRP', language: 'zh' },
  { path: 'Show.S01.1080p.WEBRip.x265-RARBG/Subs/Show.S01E02.1080p.WEBRip.x265-RARBG/2_English.srt', video: 'Show.S01E02.1080p.WEBRip.x265-RARBG', language: 'en' },
  { path: 'Subs/S01E02/3_English.srt', language: 'en' },
  // flags in parentheses, as in many P2P movie packs
  { path: 'Movie (2019)/English.srt', video: 'Movie (2019)', language: 'en' },
  { path: 'Movie (2019)/English (SDH).srt', video: 'Movie (2019)', language: 'en', sdh: true },
  { path: 'Movie (2019)/English (Forced).srt', video: 'Movie (2019)', language: 'en', forced: true },
  { path: 'Movie (2019)/English (Hearing Impaired).srt', video: 'Movie (2019)', language: 'en', sdh: true },
  { path: 'Movie (2019)/Subs/English [CC].srt', video: 'Movie (2019)', language: 'en', sdh: true },
  { path: 'Movie (2019)/Subs/English (HI).srt', video: 'Movie (2019)', language: 'en', sdh: true },
  // codes after the video's name
  { path: 'Movie.2019.1080p.BluRay.x264-GRP.eng.srt', video: 'Movie.2019.1080p.BluRay.x264-GRP', language: 'en' },
  { path: 'Movie.2019.1080p.BluRay.x264-GRP.en.srt', video: 'Movie.2019.1080p.BluRay.x264-GRP', language: 'en' },
  { path: 'Movie.en.forced.srt', video: 'Movie', language: 'en', forced: true },
  { path: 'Movie.en.sdh.srt', video: 'Movie', language: 'en', sdh: true },
  { path: 'Movie.eng.sdh.forced.srt', video: 'Movie', language: 'en', forced: true, sdh: true },
  { path: 'Movie.fr.foreign.srt', video: 'Movie', language: 'fr', forced: true },
  { path: 'Movie.de.default.srt', video: 'Movie', language: 'de' },
  { path: 'Movie.ger.srt', video: 'Movie', language: 'de' },
  { path: 'Movie.deu.srt', video: 'Movie', language: 'de' },
  { path: 'Movie.fre.srt', video: 'Movie', language: 'fr' },
  { path: 'Movie.fra.srt', video: 'Movie', language: 'fr' },
  { path: 'Movie.chi.srt', video: 'Movie', language: 'zh' },
  { path: 'Movie.zho.srt', video: 'Movie', language: 'zh' },
  { path: 'Movie.cze.srt', video: 'Movie', language: 'cs' },
  { path: 'Movie.nob.srt', video: 'Movie', language: 'nb' },
  // word-like codes count only after the video's name ("The.Cat.srt" below is not Catalan)
  { path: 'Movie.2019.1080p.cat.srt', video: 'Movie.2019.1080p', language: 'ca' },
  { path: 'Movie.pt-BR.srt', video: 'Movie', language: 'pt' },
  { path: 'Movie.pt_BR.srt', video: 'Movie', language: 'pt' },
  { path: 'Movie.es-419.srt', video: 'Movie', language: 'es' },
  { path: 'Movie.zh-Hant.srt', video: 'Movie', language: 'zh' },
  { path: 'Movie.en-US.sdh.srt', video: 'Movie', language: 'en', sdh: true },
  // Jellyfin's rule for "hi": Hindi alone, hearing impaired beside another language
  { path: 'Movie.hi.srt', video: 'Movie', language: 'hi' },
  { path: 'Movie.en.hi.srt', video: 'Movie', language: 'en', sdh: true },
  // English and native names, regional qualifiers
  { path: 'Subs/Portuguese (Brazil).srt', language: 'pt' },
  { path: 'Subs/Spanish (Latin American).srt', language: 'es' },
  { path: 'Subs/Latin American Spanish.srt', language: 'es' },
  { path: 'Subs/Chinese (Simplified).srt', language: 'zh' },
  { path: 'Subs/Deutsch.srt', language: 'de' },
  { path: 'Subs/Français.srt', language: 'fr' },
  { path: 'Subs/Español.srt', language: 'es' },
  { path: 'Subs/Italiano.srt', language: 'it' },
  { path: 'Subs/Nederlands.srt', language: 'nl' },
  { path: 'Subs/Русский.srt', language: 'ru' },
  { path: 'Subs/Polski.srt', language: 'pl' },
  { path: 'Subs/Türkçe.srt', language: 'tr' },
  { path: 'Subs/日本語.ass', language: 'ja' },
  { path: 'Subs/한국어.srt', language: 'ko' },
  { path: 'Subs/العربية.srt', language: 'ar' },
  { path: 'Subs/हिन्दी.srt', language: 'hi' },
  // decomposed (NFD) input reads like composed
  { path: 'Subs/Franc\u0327ais.srt', language: 'fr' },
  // anime: tags in brackets, Chinese fansub habits
  { path: '[Group] Show - 01 [eng].ass', video: '[Group] Show - 01 [1080p]', language: 'en' },
  { path: '[Group] Show - 01 [1080p].eng.ass', video: '[Group] Show - 01 [1080p]', language: 'en' },
  { path: '[Group] Show - 01 [1080p].chs.ass', video: '[Group] Show - 01 [1080p]', language: 'zh' },
  { path: '[Group] Show - 01 [1080p].sc.ass', video: '[Group] Show - 01 [1080p]', language: 'zh' },
  // language from the folder
  { path: 'Show.S01/Subs/eng/Show.S01E02.srt', video: 'Show.S01E02.1080p', language: 'en' },
  { path: 'Movie/Subs/English (SDH)/Movie.srt', video: 'Movie', language: 'en', sdh: true },
  { path: 'Movie/Subs/fre/Movie.forced.srt', video: 'Movie', language: 'fr', forced: true },
  { path: 'Movie/Subs/en/Movie.srt', video: 'Movie', language: 'en' },
  // the name wins over the folder
  { path: 'Movie/Subs/eng/Movie.fr.srt', video: 'Movie', language: 'fr' },
  // a bare code is a language only inside a subs folder
  { path: 'Movie/Subs/en.srt', video: 'Movie', language: 'en' },
  { path: 'Movie/Subs/ENG.srt', video: 'Movie', language: 'en' },
  { path: 'Movie/eng.srt', video: 'Movie', language: 'en' },
  { path: 'Movie/English.srt', language: 'en' },
  // numbers around a name
  { path: 'Subs/English 2.srt', language: 'en' },
  { path: 'Subs/English.1.srt', language: 'en' }
]

// Title words that are also codes or names, and names that carry none.
const NO_LANGUAGE: Case[] = [
  { path: 'It.2017.1080p.BluRay.x264-GRP.srt', video: 'It.2017.1080p.BluRay.x264-GRP', language: null },
  { path: 'It.srt', language: null },
  { path: 'It.srt', video: 'It', language: null },
  { path: 'Us.2019.srt', video: 'Us.2019.1080p', language: null },
  { path: 'No.srt', language: null },
  { path: 'He.Got.Game.1998.srt', video: 'He.Got.Game.1998.1080p', language: null },
  { path: 'Dr.No.1962.srt', language: null },
  { path: 'Dr.No.srt', video: 'Dr.No.1962.1080p', language: null },
  { path: 'What.It.Is.srt', video: 'What.It.Is.2019', language: null },
  { path: 'The.Italian.Job.2003.srt', video: 'The.Italian.Job.2003.1080p', language: null },
  { path: 'The.English.Patient.1996.srt', video: 'The.English.Patient.1996.720p', language: null },
  { path: 'My.Big.Fat.Greek.Wedding.2002.srt', language: null },
  { path: 'The.French.Dispatch.2021.1080p.WEB.srt', language: null },
  { path: 'Show.S01E02.1080p.WEB.H264-GRP.srt', video: 'Show.S01E02.1080p.WEB.H264-GRP', language: null },
  { path: 'en.srt', language: null },
  { path: 'Movie.2019.srt', video: 'Movie.2019', language: null },
  // "Brazil" alone is a country, "latin" here a qualifier
  { path: 'Brazil.1985.srt', language: null },
  { path: 'The.Cat.srt', language: null },
  { path: 'Hi.srt', language: null },
  // a folder named after a film is not a language folder
  { path: 'The Italian Job (2003)/The Italian Job (2003).srt', video: 'The Italian Job (2003)', language: null },
  { path: 'Subs/S01E02/Show.S01E02.srt', video: 'Show.S01E02', language: null }
]

for (const c of [...CASES, ...NO_LANGUAGE]) {
  test(`${c.path}${c.video === undefined ? '' : ` (video ${c.video})`}`, () => {
    assert.deepEqual(readSubtitleTags(c.path, c.video), {
      language: c.language,
      forced: c.forced ?? false,
      sdh: c.sdh ?? false
    })
  })
}

test('languageOf reads every kind of code and name, and nothing else', () => {
  assert.equal(languageOf('en'), 'en')
  assert.equal(languageOf('ENG'), 'en')
  assert.equal(languageOf('ger'), 'de')
  assert.equal(languageOf('deu'), 'de')
  assert.equal(languageOf('Deutsch'), 'de')
  assert.equal(languageOf('Brazilian'), 'pt')
  assert.equal(languageOf('pob'), 'pt')
  assert.equal(languageOf('Русский'), 'ru')
  assert.equal(languageOf('1080p'), null)
  assert.equal(languageOf('x264'), null)
  assert.equal(languageOf('her'), null, 'Herero is not in the table: "her" is a word')
  assert.equal(languageOf('may'), null, 'Malay by its name or "msa", never "may"')
})

test('tokenize joins phrases and drops region parts', () => {
  assert.deepEqual(tokenize('English (Hearing Impaired)'), ['english', 'sdh'])
  assert.deepEqual(tokenize('Movie.pt-BR.forced'), ['movie', 'pt', 'forced'])
  assert.deepEqual(tokenize('Spanish (Latin America)'), ['spanish', 'latam'])
  assert.deepEqual(tokenize('Movie.x264-GRP.en-cc'), ['movie', 'x264', 'grp', 'en', 'cc'], 'cc is a flag, not a region')
})
