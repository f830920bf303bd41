// Reading episode numbers out of one file name. Each rule is tried in order and the first that
// matches wins; the order puts the least ambiguous spellings first (S01E02 before E02 before a
// bare "05"), so a number is only guessed at when nothing says it outright.

/** What a file name says about its episode, before the show is consulted. */
export type NameClaim =
  /** Season and episode(s) both written: S01E02, 1x02, Season 1 Episode 2. */
  | { kind: 'explicit', season: number, episodes: number[], label: string }
  /** Episode(s) without a season: E02, Ep02, Episode 2, Folge 2. */
  | { kind: 'episode', episodes: number[], label: string }
  /** An air date, for daily shows. */
  | { kind: 'date', date: string, label: string }
  /** A bare number: "Show - 013", "05 - Title". Season-relative or absolute, decided later. */
  | { kind: 'number', number: number, label: string }

const pad = (n: number): string => String(n).padStart(2, '0')
export const episodeLabel = (season: number, episodes: number[]): string =>
  `S${pad(season)}` + episodes.map((e) => `E${pad(e)}`).join('')

/**
 * Reads what follows a first episode number: "E02" or "x02" adds one episode, "-E03" or "-03"
 * is a range (S01E01-E03 is 1, 2 and 3, as Plex reads it). A number followed by "p" is a
 * resolution (S01E05-1080p), never an episode.
 */
function readTail (name: string, from: number, first: number, tail: RegExp): number[] {
  const episodes = [first]
  tail.lastIndex = from
  for (let m = tail.exec(name); m !== null; m = tail.exec(name)) {
    const n = Number(m[2])
    const last = episodes[episodes.length - 1] ?? first
    if (n <= last || n - last > 20) break
    if ((m[1] ?? '').includes('-')) {
      for (let e = last + 1; e <= n; e++) episodes.push(e)
    } else {
      episodes.push(n)
    }
  }
  return episodes
}

// S01E02, s1e2, S01 E02, S01.E02; season up to 4 digits for daily shows named S2024E45
const SXXEYY = /(?<![a-z0-9])s(\d{1,4})[ ._-]?e(\d{1,3})(?![\dp])/i
const SXXEYY_TAIL = /([ ._]?-[ ._]?e?|[ ._]?e)(\d{1,3})(?![\dp])/iy
// 1x02; not 1920x1080 (digits before) nor 5.1x264 (an audio layout before the codec)
const NXNN = /(?<![a-z0-9])(?<!\d[.,])(\d{1,2})x(?!26[45](?!\d))(\d{2,3})(?![\dp])/i
const NXNN_TAIL = /(-(?:\d{1,2}x)?|x)(\d{2,3})(?![\dp])/iy
// Season 1 Episode 2 in the languages packs come in
const SEASON_WORD = '(?:season|staffel|saison|temporada|stagione|series|seizoen|sezon)'
const EPISODE_WORD = '(?:episode|[eé]pisode|episodio|folge|afl(?:evering)?|ep)'
const SEASON_EPISODE = new RegExp(`${SEASON_WORD}[ ._-]*(\\d{1,2})[ ._,-]*${EPISODE_WORD}\\.?[ ._-]*(\\d{1,3})(?![\\dp])`, 'i')
// E02, Ep02, Ep.02, Episode 2, Folge 3 (the season comes from a folder)
const EPISODE_ONLY = new RegExp(`(?<![a-z0-9])(?:${EPISODE_WORD}\\.?[ ._-]*|e)(\\d{1,3})(?![\\dp])`, 'i')
const EPISODE_TAIL = /([ ._]?-[ ._]?(?:ep?)?|[ ._]?e)(\d{1,3})(?![\dp])/iy
// 2024.03.15, 2024-03-15, 2024 03 15 and the European 15.03.2024
const DATE_YMD = /(?<!\d)((?:19|20)\d\d)[ ._-](0[1-9]|1[0-2])[ ._-](0[1-9]|[12]\d|3[01])(?!\d)/
const DATE_DMY = /(?<!\d)(0[1-9]|[12]\d|3[01])[ ._-](0[1-9]|1[0-2])[ ._-]((?:19|20)\d\d)(?!\d)/

/** Tokens that look like numbers but describe the release: resolutions, codecs, bit depth, audio. */
const NOISE = /(?<![a-z0-9])(?:\d{3,4}[pi]|[xh][ .]?26[45]|hevc|avc|\d{1,2}[ -]?bits?|[2-9][ .][01](?![0-9])|ddp?\d[ .]\d|aac\d[ .]\d|4k|uhd|(?:19|20)\d\d(?=\s*$))(?![a-z0-9])/gi
const BRACKETS = /\[[^\]]*\]|\([^)]*\)|\{[^}]*\}/g

/** Bare-number rules, tried on the name with brackets, noise and separators cleaned away. */
const NUMBER_RULES: Array<{ regex: RegExp, label: string }> = [
  // "[Group] Show - 013 [1080p]", "Show - 05 - Title": anime and P2P packs
  { regex: /(?:^|\s)-\s*(\d{1,4})(?:v\d)?(?=\s|$)/, label: 'number after " - "' },
  // "05 - Title", "05. Title", "05 Title": files inside a season folder
  { regex: /^(\d{1,4})(?:v\d)?(?=\s|$)/, label: 'number at the start' },
  // "Show 05": the number closing the name
  { regex: /\s(\d{1,4})(?:v\d)?$/, label: 'number at the end' }
]

/** Reads the first rule that matches the base name (no folders, no extension). */
export function readName (base: string): NameClaim | null {
  let m = SXXEYY.exec(base)
  if (m !== null) {
    const season = Number(m[1])
    const episodes = readTail(base, m.index + m[0].length, Number(m[2]), SXXEYY_TAIL)
    return { kind: 'explicit', season, episodes, label: episodeLabel(season, episodes) }
  }
  m = NXNN.exec(base)
  if (m !== null) {
    const season = Number(m[1])
    const episodes = readTail(base, m.index + m[0].length, Number(m[2]), NXNN_TAIL)
    return { kind: 'explicit', season, episodes, label: `${m[0]} (${episodeLabel(season, episodes)})` }
  }
  m = SEASON_EPISODE.exec(base)
  if (m !== null) {
    const season = Number(m[1])
    const episodes = [Number(m[2])]
    return { kind: 'explicit', season, episodes, label: `"${m[0]}" (${episodeLabel(season, episodes)})` }
  }
  m = DATE_YMD.exec(base)
  if (m !== null) return { kind: 'date', date: `${m[1] ?? ''}-${m[2] ?? ''}-${m[3] ?? ''}`, label: `date ${m[0]}` }
  m = DATE_DMY.exec(base)
  if (m !== null) return { kind: 'date', date: `${m[3] ?? ''}-${m[2] ?? ''}-${m[1] ?? ''}`, label: `date ${m[0]}` }
  m = EPISODE_ONLY.exec(base)
  if (m !== null) {
    const episodes = readTail(base, m.index + m[0].length, Number(m[1]), EPISODE_TAIL)
    return { kind: 'episode', episodes, label: `"${m[0]}"` }
  }
  return readNumber(base)
}

function readNumber (base: string): NameClaim | null {
  // "[Group] Show [05][1080p]": the number in a bracket of its own
  const alone = /\[(\d{1,4})(?:v\d)?\]/.exec(base)
  if (alone !== null) return { kind: 'number', number: Number(alone[1]), label: `number in brackets "${alone[0]}"` }
  const clean = base
    .replace(BRACKETS, ' ')
    .replace(/[._]/g, ' ')
    .replace(NOISE, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  for (const rule of NUMBER_RULES) {
    const found = rule.regex.exec(clean)
    if (found !== null) return { kind: 'number', number: Number(found[1]), label: `${rule.label} (${found[1] ?? ''})` }
  }
  return null
}

/** True when the name spells out an episode (not a bare number): extras words then yield to it. */
export function hasEpisodeMarker (claim: NameClaim | null): boolean {
  return claim !== null && (claim.kind === 'explicit' || claim.kind === 'episode' || claim.kind === 'date')
}
