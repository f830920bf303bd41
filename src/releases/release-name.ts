// Reads a release or file name: title, year, season/episodes and pack kind, quality, group,
// PROPER/REPACK and sample/trailer/extras flags. Pure; used by season packs and release ranking.
import { parseQuality, type Quality } from './quality.ts'

// 'episode': one or more named episodes; 'season': one season; 'multi-season': a season range;
// 'complete': "Complete Series" with no season named; null: no episode information (a movie).
export type PackKind = 'episode' | 'season' | 'multi-season' | 'complete'

export interface ReleaseName {
  title: string
  year: number | null
  season: number | null // the first season named (S01-S03 -> 1)
  seasons: number[] // every season named (S01-S03 -> [1, 2, 3])
  episodes: number[] // S01E01-E03 -> [1, 2, 3]; anime absolute numbers ("Show - 13") have season null
  pack: PackKind | null
  /** daily shows: the air date named ("Show.2024.03.15"), YYYY-MM-DD */
  date: string | null
  quality: Quality
  group: string | null
  proper: boolean
  repack: boolean
  sample: boolean
  trailer: boolean
  extras: boolean
}

interface Marks { index: number, seasons: number[], episodes: number[] }

const EXTENSION = /\.(?:mkv|mp4|m4v|avi|ts|m2ts|wmv|mov|webm|mpe?g|iso|srt|ass|ssa|vtt|nfo|torrent)$/i
// 'Series' is the British word (Sherlock Series 1-4); "Complete Series" has no number after it
const SEASON_WORD = '(?:Season|Series|Saison|Staffel|Temporada)'

function range (from: number, to: number): number[] {
  if (to < from || to - from > 500) return [from]
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

// Episode lists after the first one: "E02E03" lists, "-E03" and "-03" are ranges.
function episodeTail (first: number, tail: string): number[] {
  const out = [first]
  for (const m of tail.matchAll(/(-?)\s?E?(\d{1,3})/gi)) {
    const n = Number(m[2])
    const prev = out[out.length - 1] ?? first
    if (m[1] === '-') out.push(...range(prev + 1, n))
    else out.push(n)
  }
  return out
}

// Episode and season markers, most specific first; the first that matches decides.
// Runs on the name with dots and underscores made spaces (same length, so indexes carry over).
const MARKERS: ReadonlyArray<(s: string) => Marks | null> = [
  s => {
    const m = /\bS(\d{1,2})\s?E(\d{1,3})((?:\s?-?\s?E\d{1,3})*(?:-\d{1,3}(?![\dpi]))?)(?!\d)/i.exec(s)
    return m ? { index: m.index, seasons: [Number(m[1])], episodes: episodeTail(Number(m[2]), m[3] ?? '') } : null
  },
  s => {
    const m = new RegExp(`\\b${SEASON_WORD}\\s?(\\d{1,2})\\s?(?:Episode|Ep)\\s?(\\d{1,3})\\b`, 'i').exec(s)
    return m ? { index: m.index, seasons: [Number(m[1])], episodes: [Number(m[2])] } : null
  },
  s => {
    const m = /(?<![\dx])\b(\d{1,2})x(\d{2,3})\b/i.exec(s)
    return m ? { index: m.index, seasons: [Number(m[1])], episodes: [Number(m[2])] } : null
  },
  // season lists: "Season 01+02+03", "S01+S02"
  s => {
    const m = new RegExp(`\\b(?:S|${SEASON_WORD}s?\\s?)(\\d{1,2})((?:\\s?\\+\\s?S?\\d{1,2})+)\\b`, 'i').exec(s)
    return m ? { index: m.index, seasons: [Number(m[1]), ...[...(m[2] ?? '').matchAll(/\d+/g)].map((d) => Number(d[0]))], episodes: [] } : null
  },
  s => {
    const m = new RegExp(`\\b(?:S|${SEASON_WORD}s?\\s?)(\\d{1,2})\\s?(?:-|~|to|&)\\s?S?(\\d{1,2})\\b`, 'i').exec(s)
    return m ? { index: m.index, seasons: range(Number(m[1]), Number(m[2])), episodes: [] } : null
  },
  s => {
    const m = new RegExp(`\\b(?:S|${SEASON_WORD}\\s?)(\\d{1,2})\\b`, 'i').exec(s)
    return m ? { index: m.index, seasons: [Number(m[1])], episodes: [] } : null
  },
  // Anime absolute numbering: "[Group] Show - 13 (1080p)", "Show - 013v2"
  s => {
    // batches name a range: "Show - 01 ~ 12", "Show - 1000-1050"
    const m = /\s-\s(\d{1,4})(?:v\d)?(?:\s?[~-]\s?(\d{1,4})(?:v\d)?)?(?=\s|\(|\[|$)/.exec(s)
    if (m === null || /^(?:19|20)\d\d$/.test(m[1] ?? '')) return null
    const from = Number(m[1])
    return { index: m.index, seasons: [], episodes: m[2] === undefined ? [from] : range(from, Number(m[2])) }
  }
]

// Words that end a title when no year or episode marker comes first.
const TAG_WORDS = /\b(?:2160p|1080[pi]|720p|576[pi]|480[pi]|4K|UHD|Blu-?Ray|BDRip|BRRip|WEB-?DL|WEB-?Rip|WEB|HDTV|DVDRip|DVD|REMUX|[xh]\s?26[45]|HEVC|XviD|PROPER|REPACK|(?:The\s)?Complete|MULTi|iNTERNAL|LIMITED|EXTENDED|UNRATED|HDCAM|HDTS)\b/i
const YEAR = /(?<=^|[\s([])((?:19|20)\d\d)(?=$|[\s)\]-])/g
const COMPLETE = /\bComplete\b|\bAll\sSeasons\b/i
const NOT_A_GROUP = /^(?:DL|Rip|HD|MA|X|\d+|Cap|TS|SCR)$/i
// Words that end a P2P name's last parentheses without being its group: "(... Korean DTS 5.1 Batch)"
const NOT_A_P2P_GROUP = /^(?:Batch|Multi|Dual|Audio|Subs?|English|French|German|Spanish|Italian|Korean|Japanese|Chinese|Hindi|Russian|Nordic|bit|10bit|SDR)$/i
const DATE = /(?<![\d])((?:19|20)\d\d)[ -](\d\d)[ -](\d\d)(?![\d])/

function yearOf (s: string, limit: number): { year: number | null, index: number } {
  let found = { year: null as number | null, index: limit }
  for (const m of s.matchAll(YEAR)) {
    // A year that starts the name is the title ("1917", "2001 A Space Odyssey")
    if (m.index === 0 || m.index > limit) continue
    found = { year: Number(m[1]), index: m.index }
  }
  return found
}

function isGroupWord (word: string | undefined, index: number, titleEnd: number): word is string {
  return word !== undefined && index >= titleEnd && !NOT_A_GROUP.test(word)
}

// Scene "-GROUP", "-GROUP[rarbg]", "-[YTS.MX]"; YIFY's "x264 - YIFY"; QxR's "(1080p ... Tigole)".
function groupOf (name: string, titleEnd: number, leading: string | null): string | null {
  const bracketed = /-\[([A-Za-z0-9.]+)\]$/.exec(name)
  if (bracketed !== null && isGroupWord(bracketed[1], bracketed.index, titleEnd)) return bracketed[1]
  const bare = name.replace(/(?:\s*\[[^\]]*\])+$/, '') // "[rarbg]", "[ABCD1234]"
  const m = /-([A-Za-z0-9]+)$/.exec(bare)
  if (m !== null && isGroupWord(m[1], m.index, titleEnd)) return m[1]
  const tagged = TAG_WORDS.exec(bare)
  const spaced = /\s-\s([A-Za-z][A-Za-z0-9]*)$/.exec(bare)
  if (spaced !== null && tagged !== null && tagged.index < spaced.index && isGroupWord(spaced[1], spaced.index, titleEnd)) return spaced[1]
  const p2p = /\(([^()]*)\)$/.exec(bare)
  if (p2p !== null && TAG_WORDS.test(p2p[1] ?? '')) {
    const last = /\s([A-Za-z][A-Za-z0-9]*)$/.exec(p2p[1] ?? '')?.[1]
    if (last !== undefined && !NOT_A_P2P_GROUP.test(last) && !TAG_WORDS.test(last) && isGroupWord(last, p2p.index, titleEnd)) return last
  }
  return leading
}

function dateOf (s: string): string | null {
  const m = DATE.exec(s)
  if (m === null) return null
  const iso = `${m[1]}-${m[2]}-${m[3]}`
  const d = new Date(`${iso}T00:00:00Z`)
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso
}

export function parseReleaseName (input: string): ReleaseName {
  const name = (input.split(/[\\/]/).pop() ?? input).replace(EXTENSION, '').trim()
  const leading = /^\[([^\]]+)\]\s*/.exec(name)
  const spaced = name.replace(/[._]/g, ' ')
  const start = leading?.[0].length ?? 0
  const body = ' '.repeat(start) + spaced.slice(start)

  let marks: Marks | null = null
  for (const marker of MARKERS) if ((marks = marker(body)) !== null) break
  const tag = TAG_WORDS.exec(body.slice(start))
  // an absolute number after the quality tags is something else: "x264 - 1.85GB - YIFY" is a size
  if (marks !== null && marks.seasons.length === 0 && tag !== null && marks.index > tag.index + start) marks = null
  const limit = Math.min(marks?.index ?? body.length, tag ? tag.index + start : body.length)
  const { year, index: yearIndex } = yearOf(body, limit)
  const titleEnd = Math.min(limit, yearIndex)

  const title = body.slice(start, titleEnd)
    .replace(/[\s([{-]+$/, '').replace(/\s+/g, ' ').trim()
  const seasons = marks?.seasons ?? []
  const episodes = marks?.episodes ?? []
  const pack: PackKind | null = episodes.length > 0 ? 'episode'
    : seasons.length > 1 ? 'multi-season'
      : seasons.length === 1 ? 'season'
        : COMPLETE.test(body) ? 'complete' : null

  return {
    title,
    year,
    season: seasons[0] ?? null,
    seasons,
    episodes,
    pack,
    date: marks === null ? dateOf(body) : null,
    quality: parseQuality(name),
    group: groupOf(name, titleEnd, leading?.[1] ?? null),
    proper: /\bPROPER\b/i.test(body),
    repack: /\b(?:REPACK\d?|RERIP)\b/i.test(body),
    sample: /\bsample\b/i.test(body),
    trailer: /\btrailers?\b/i.test(body),
    extras: /\b(?:extras?|featurettes?|behind\sthe\sscenes|deleted\sscenes|bonus|interviews?|making\sof)\b/i.test(body)
  }
}
