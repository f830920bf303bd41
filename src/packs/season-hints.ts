// The season a folder (or a file name without an episode marker) speaks for: "Season 2",
// "Staffel 1", "Saison 3", "S02", "Show.Name.S02.1080p.BluRay-GRP", "2nd Season", "Specials".
// Files named only "E03" or "05 - Title" take their season from here.

export interface SeasonHint {
  season: number
  /** Where it was read, for the reason: the folder name or "the name". */
  source: string
}

/**
 * A range ("S01-S03", "S01-03", "Season 1-3") speaks for no single season, so neither of its
 * ends may match; "S2 - 04" (spaces round the dash) is season 2 and episode 4, not a range.
 */
const NOT_RANGE_START = '(?![ ._]*-[ ._]*s\\d|-\\d)'
const NOT_RANGE_END = '(?<!\\d[ ._]*-[ ._]*s?)'

/** Read in order, first match wins. */
const SEASON_RULES: RegExp[] = [
  /^(?:specials?|season[ ._-]?0+|s0+)$/i,
  // "2nd Season" first: "Season - 16" after it is an episode, not a season
  /(?<![a-z0-9])(\d{1,2})(?:st|nd|rd|th)[ ._-]season(?![a-z])/i,
  new RegExp(`(?<![a-z0-9])(?:season|staffel|saison|temporada|stagione|series|seizoen|sezon)(?:[ ._]{0,2}|-)(\\d{1,2})(?!\\d)${NOT_RANGE_START}`, 'i'),
  new RegExp(`(?<![a-z0-9])${NOT_RANGE_END}s(\\d{1,2})(?!\\d)${NOT_RANGE_START}`, 'i')
]

/** The season a single folder name speaks for, or null. */
export function seasonOfSegment (segment: string): number | null {
  for (const rule of SEASON_RULES) {
    const m = rule.exec(segment)
    if (m === null) continue
    // the first rule has no number: a specials folder is season 0
    return m[1] === undefined ? 0 : Number(m[1])
  }
  return null
}

/** The innermost folder that names a season wins: Show.S01-S03/Season 2/E05.mkv is season 2. */
export function seasonOfFolders (folders: string[]): SeasonHint | null {
  for (let i = folders.length - 1; i >= 0; i--) {
    const folder = folders[i] ?? ''
    const season = seasonOfSegment(folder)
    if (season !== null) return { season, source: `the folder "${folder}"` }
  }
  return null
}
