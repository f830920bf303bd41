// What a subtitle's file and folder names say about it: its language (ISO 639-1) and whether it
// is forced or for the hearing impaired (issue 12, item 3). Pure: names in, tags out.
//
// A hand table rather than an npm ISO 639 package: the packages carry all ~180 two-letter and
// ~480 three-letter codes, and many of those are English words a file name holds for other
// reasons ("her", "war", "new", "sun", "man", "may", "per"), while none of them knows what
// release groups write ("Brazilian", "Latino", "Castellano", "chs", "cz", "pob"). Subtitles in
// torrents come in a few dozen languages; the table below is those, with their 639-2/B and /T
// codes and their English and native names.
//
// Brazilian Portuguese is `pt`, not `pt-BR`: Plex documents only ISO 639-1 and 639-2/B codes for
// local subtitles and shows `pt-BR` files as "Unknown" in several versions (bazarr issues #1265
// and #1577; plexinc-agents/LocalMedia.bundle PR #58 to read IETF tags was never merged). Two
// Portuguese subtitles of one video stay apart by their numbered names (naming.ts).
import { splitPath } from '../packs/paths.ts'

export interface SubtitleTags {
  /** ISO 639-1 code, or null when the names say nothing certain. */
  language: string | null
  /** Only the lines the audio does not carry (signs, foreign dialogue). */
  forced: boolean
  /** For the deaf and hard of hearing (SDH, CC, HI): sounds and speakers described. */
  sdh: boolean
}

/** Folders release groups keep subtitles in (RARBG's Subs/, Kodi's list of subtitle folders). */
const SUBS_FOLDER = /^(?:subs?|subtitles?|subtitulos|vobsubs?)$/i
export const isSubsFolder = (name: string): boolean => SUBS_FOLDER.test(name.trim())

// [ISO 639-1, other codes (639-2/B and /T, release habits), names (English, native, aliases)]
const TABLE: ReadonlyArray<readonly [string, string, string]> = [
  ['en', 'eng', 'english'],
  ['de', 'ger deu', 'german deutsch'],
  ['fr', 'fre fra', 'french francais français vostfr'],
  ['es', 'spa esp', 'spanish espanol español castellano castilian latino'],
  ['it', 'ita', 'italian italiano'],
  ['nl', 'dut nld', 'dutch nederlands flemish vlaams'],
  ['pt', 'por pob pb', 'portuguese portugues português brazilian brasileiro'],
  ['ru', 'rus', 'russian русский'],
  ['pl', 'pol', 'polish polski'],
  ['sv', 'swe', 'swedish svenska'],
  ['no', 'nor', 'norwegian norsk'],
  ['nb', 'nob', 'bokmal bokmål'],
  ['nn', 'nno', 'nynorsk'],
  ['da', 'dan', 'danish dansk'],
  ['fi', 'fin', 'finnish suomi'],
  ['is', 'isl', 'icelandic islenska íslenska'],
  ['el', 'gre ell', 'greek ελληνικά'],
  ['he', 'heb iw', 'hebrew עברית'],
  ['cs', 'cze ces cz', 'czech cesky český cestina čeština'],
  ['sk', 'slo slk', 'slovak slovensky slovenčina'],
  ['hu', 'hun', 'hungarian magyar'],
  ['ro', 'rum ron', 'romanian romana română'],
  ['bg', 'bul', 'bulgarian български'],
  ['hr', 'hrv scr', 'croatian hrvatski'],
  ['sr', 'srp scc', 'serbian srpski српски'],
  ['sl', 'slv', 'slovenian slovene slovenski slovenščina'],
  ['uk', 'ukr ua', 'ukrainian українська'],
  ['tr', 'tur', 'turkish turkce türkçe'],
  ['ar', 'ara', 'arabic العربية عربي'],
  ['fa', 'fas', 'persian farsi فارسی'],
  ['hi', 'hin', 'hindi हिन्दी'],
  ['th', 'tha', 'thai ไทย'],
  ['vi', 'vie', 'vietnamese việt'],
  ['id', 'ind', 'indonesian indonesia'],
  ['ms', 'msa', 'malay melayu'],
  ['ja', 'jpn jap jp', 'japanese 日本語'],
  ['ko', 'kor', 'korean 한국어'],
  ['zh', 'chi zho chs cht sc tc', 'chinese mandarin cantonese 中文 简体 繁体 繁體 简中 繁中'],
  ['ca', 'cat', 'catalan català'],
  ['eu', 'baq eus', 'basque euskara'],
  ['gl', 'glg', 'galician galego'],
  ['et', 'est', 'estonian eesti'],
  ['lv', 'lav', 'latvian latviešu'],
  ['lt', 'lit', 'lithuanian lietuvių'],
  ['tl', 'tgl fil', 'filipino tagalog'],
  ['bn', 'ben', 'bengali বাংলা'],
  ['ta', 'tam', 'tamil தமிழ்'],
  ['te', 'tel', 'telugu తెలుగు'],
  ['ml', 'mal', 'malayalam മലയാളം'],
  ['ur', 'urd', 'urdu اردو'],
  ['sq', 'alb sqi', 'albanian shqip'],
  ['mk', 'mac mkd', 'macedonian македонски'],
  ['bs', 'bos', 'bosnian bosanski'],
  ['ka', 'geo kat', 'georgian ქართული'],
  ['cy', 'wel cym', 'welsh cymraeg'],
  ['ga', 'gle', 'irish gaeilge']
]

/**
 * Codes that are also common words or tags: "may" (Malay), "per" (Persian), "ice" (Icelandic),
 * "arm" (Armenian), "sin" (Sinhala) are left out of the table altogether; these are in it but
 * count only as the last word of a name that follows the video's own name or sits in Subs/.
 */
const WORDLIKE = new Set(['cat', 'mac', 'mal', 'lit', 'est', 'ben', 'tam', 'tel', 'geo', 'wel', 'fil', 'jap'])

/** Two-letter tokens: ISO 639-1 codes and two-letter habits (cz, jp, pb, sc, tc, ua, iw). */
const SHORT = new Map<string, string>()
/** Longer tokens: three-letter codes and names. */
const LONG = new Map<string, string>()
for (const [code, codes, names] of TABLE) {
  SHORT.set(code, code)
  for (const token of [...codes.split(' '), ...names.split(' ')]) {
    (token.length === 2 ? SHORT : LONG).set(token.normalize('NFC'), code)
  }
}

/** The language one token names, whatever kind of code or name it is; null when none. */
export function languageOf (token: string): string | null {
  const t = token.normalize('NFC').toLowerCase()
  return SHORT.get(t) ?? LONG.get(t) ?? null
}

const FORCED = new Set(['forced', 'foreign'])
const SDH = new Set(['sdh', 'cc', 'hoh'])
/** Tokens that say nothing about the language: flags players ignore, regions, qualifiers. */
const NEUTRAL = new Set([
  'default', 'normal', 'full', 'sub', 'subs', 'subtitle', 'subtitles', 'track',
  'us', 'gb', 'br', 'latam', 'brazil', 'portugal', 'spain', 'european', 'mexico', 'canada',
  'canadian', 'france', 'simplified', 'traditional', 'hans', 'hant', 'cn', 'tw', 'hk', 'big5', 'bahasa'
])

// "pt-BR", "en_US", "es-419", "zh-Hans": the region goes, the language stays
const REGION_TAG = /(?<![\p{L}\p{N}])([a-z]{2})[-_](?:br|pt|us|gb|uk|au|ca|nz|ie|es|mx|la|ar|fr|be|ch|de|at|nl|cn|tw|hk|sg|mo|in|419|hans|hant|latn|cyrl)(?![\p{L}\p{N}])/giu

/** Lower-cased words of a name; phrases that span words become one token first. */
export function tokenize (name: string): string[] {
  return name.normalize('NFC').toLowerCase()
    .replace(REGION_TAG, (whole, code: string) => SHORT.has(code) ? code : whole)
    .replace(/hearing[ ._-]*impaired/g, ' sdh ')
    .replace(/closed[ ._-]*captions?/g, ' cc ')
    .replace(/latin[ ._-]*america(?:n|no)?/g, ' latam ')
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((t) => t !== '')
}

/**
 * Tags of one subtitle. `videoBase` is the base name of the video it goes with: the words both
 * names share are the title and never count (It.2017.en.srt is English, not Italian).
 */
export function readSubtitleTags (path: string, videoBase?: string): SubtitleTags {
  const { folders, base } = splitPath(path)
  const inSubs = folders.some(isSubsFolder)
  const tokens = tokenize(base)
  const video = videoBase === undefined ? [] : tokenize(videoBase)
  let shared = 0
  while (shared < tokens.length && shared < video.length && tokens[shared] === video[shared]) shared++
  // Words after the video's own name, or in a subs folder, are all about the subtitle; elsewhere
  // only the tail is (My.Big.Fat.Greek.Wedding.srt names no language).
  const wide = inSubs || (shared > 0 && (shared === video.length || shared >= 2))
  const fromName = readTokens(tokens, shared, { wide, bareCode: inSubs })
  const fromFolder = folderTags(folders)
  return {
    language: fromName.language ?? fromFolder.language,
    forced: fromName.forced || fromFolder.forced,
    sdh: fromName.sdh || fromFolder.sdh
  }
}

interface ReadOptions {
  /** Every token from `from` on may name the language, not only the tail. */
  wide: boolean
  /** A two-letter code may be the whole name (Subs/en.srt). */
  bareCode: boolean
}

/**
 * Reads tokens[from..]. Two-letter codes count only at the tail (after the flags are peeled
 * off) with a word before them, since title words (It, Us, No, He) are codes too; names and
 * three-letter codes count anywhere when `wide`. The last language named wins, as in Jellyfin.
 */
function readTokens (tokens: string[], from: number, opts: ReadOptions): SubtitleTags {
  let forced = false
  let sdh = false
  // where a "hi" was seen: Hindi only with a word before it, like any two-letter code
  let hi = -1
  let number = false
  let i = tokens.length - 1
  for (; i >= from; i--) {
    const t = tokens[i] ?? ''
    if (FORCED.has(t)) forced = true
    else if (SDH.has(t)) sdh = true
    // "hi" is Hindi alone and hearing-impaired next to another language (Jellyfin's rule)
    else if (t === 'hi') hi = i
    else if (/^\d+$/.test(t)) number = true
    else if (!NEUTRAL.has(t)) break
  }
  const tail = tokens[i]
  let language: string | null = null
  if (tail !== undefined && i >= from) {
    const short = SHORT.get(tail)
    const codeAllowed = !number && (i > 0 || opts.bareCode)
    // "The.Cat.srt" is not Catalan; "Movie.2019.cat.srt" beside Movie.2019.mkv is
    const wordAllowed = opts.wide || !WORDLIKE.has(tail)
    language = (codeAllowed ? short : undefined) ?? (wordAllowed ? LONG.get(tail) : undefined) ?? null
  }
  if (opts.wide) {
    for (let j = from; j < i; j++) {
      const t = tokens[j] ?? ''
      if (FORCED.has(t)) forced = true
      if (SDH.has(t)) sdh = true
    }
    // the last name before the tail: "English (Forced) 2", "[eng][1080p]"
    for (let j = i - 1; j >= from && language === null; j--) {
      const t = tokens[j] ?? ''
      if (!WORDLIKE.has(t)) language = LONG.get(t) ?? null
    }
  }
  if (hi >= 0) {
    if (language !== null) sdh = true
    else if (hi > 0 || opts.bareCode) language = 'hi'
  }
  return { language, forced, sdh }
}

/**
 * Tags from a folder that is nothing but a language (Subs/eng/, Subs/English (SDH)/): the
 * folders below a subs folder, or the file's own folder when there is none.
 */
function folderTags (folders: string[]): SubtitleTags {
  const none = { language: null, forced: false, sdh: false }
  for (let i = folders.length - 1; i >= 0; i--) {
    const name = folders[i] ?? ''
    if (isSubsFolder(name)) return none
    const tokens = tokenize(name)
    const tags = readTokens(tokens, 0, { wide: true, bareCode: true })
    const onlyLanguage = tokens.every((t) => languageOf(t) !== null || FORCED.has(t) || SDH.has(t) || NEUTRAL.has(t))
    if (onlyLanguage && tags.language !== null) return tags
    if (!folders.slice(0, i).some(isSubsFolder)) return none
  }
  return none
}
