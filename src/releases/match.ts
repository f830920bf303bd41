// Is this release the item searched for? Ids the indexer attached decide first (a matching TMDB,
// IMDb or TVDB id accepts a foreign title; a different one drops the release), then the
// normalised title, the year (±1: releases often carry the festival or the release year) and
// the season/episode markers. Pure.
import type { ReleaseName } from './release-name.ts'
import type { Release, ReleaseGroup, ReleaseQuery } from './types.ts'

export type Match = { ok: true, group: ReleaseGroup } | { ok: false, reason: string }

const COUNTRY = /\s(?:us|uk|au|nz|ca)$/

/** Lower case, no accents, '&' as 'and', no apostrophes, anything else not a letter or digit a space. */
export function normaliseTitle (title: string): string {
  return title.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/&/g, ' and ').replace(/['\u2019`]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
}

function variants (title: string): string[] {
  const n = normaliseTitle(title)
  // "The Office (US)" and "The.Office.US" name the same show as "The Office"
  const out = new Set([n, n.replace(COUNTRY, ''), n.replace(/^(?:the|a|an) /, '')])
  for (const v of [...out]) out.add(v.replace(/ /g, '')) // "Spiderman" is "Spider-Man"
  return [...out]
}

export function sameTitle (a: string, b: string): boolean {
  const vb = variants(b)
  return variants(a).some((v) => v !== '' && vb.includes(v))
}

function imdbNumber (id: string | null | undefined): number | null {
  const m = /^(?:tt)?0*(\d{1,10})$/i.exec(id?.trim() ?? '')
  return m === null ? null : Number(m[1])
}

function pad (n: number): string { return String(n).padStart(2, '0') }

/** 'S01E02', 'S01E01-E03', 'season 2', 'seasons 1-5', 'the complete series', '2024-03-15' */
export function describeMarks (p: ReleaseName): string {
  if (p.date !== null) return `aired ${p.date}`
  if (p.pack === 'episode') {
    const eps = p.episodes.length > 1 ? `E${pad(p.episodes[0]!)}-E${pad(p.episodes[p.episodes.length - 1]!)}` : `E${pad(p.episodes[0] ?? 0)}`
    return p.season === null ? `episode ${p.episodes.join(', ')} (absolute numbering)` : `S${pad(p.season)}${eps}`
  }
  if (p.pack === 'season') return `season ${p.season ?? '?'}`
  if (p.pack === 'multi-season') return `seasons ${p.seasons[0] ?? '?'}-${p.seasons[p.seasons.length - 1] ?? '?'}`
  if (p.pack === 'complete') return 'the complete series'
  return 'no season or episode'
}

/** Ids both sides know: true (the same item), false (another item) or null (nothing to compare). */
function idsAgree (r: Release, q: ReleaseQuery): boolean | null {
  const pairs: Array<[number | null, number | null | undefined]> = [[r.tmdbId, q.tmdbId]]
  if (q.kind === 'movie') pairs.push([r.imdbId, imdbNumber(q.imdbId)])
  else pairs.push([r.tvdbId, q.tvdbId])
  let agreed: boolean | null = null
  for (const [mine, wanted] of pairs) {
    if (mine === null || wanted === null || wanted === undefined) continue
    if (mine !== wanted) return false
    agreed = true
  }
  return agreed
}

function identity (r: Release, p: ReleaseName, q: ReleaseQuery): string | null {
  const ids = idsAgree(r, q)
  if (ids === false) return 'the indexer tagged it as another title (its TMDB/IMDb/TVDB id differs)'
  if (ids === true) return null
  const wanted = q.kind === 'movie' ? q.title : q.showTitle
  const year = q.year ?? null
  if (p.year !== null && year !== null && Math.abs(p.year - year) > 1 && p.date === null) return `year ${p.year}, not ${year} (±1)`
  if (sameTitle(p.title, wanted)) return null
  // "Star Wars Episode IV A New Hope 1977" is "Star Wars (1977)": a longer title of the same year
  const longer = normaliseTitle(p.title).startsWith(normaliseTitle(wanted) + ' ')
  if (q.kind === 'movie' && longer && p.year !== null && p.year === year) return null
  return `a different title ("${p.title}")`
}

function episodeMatch (p: ReleaseName, q: Extract<ReleaseQuery, { kind: 'episode' }>): Match {
  if (p.date !== null) {
    return q.airDate != null && q.airDate === p.date ? { ok: true, group: 'episode' } : { ok: false, reason: `aired ${p.date}, not ${q.airDate ?? 'on a known date'}` }
  }
  if (p.pack === 'episode') {
    // absolute numbering ("Show - 13") equals the episode number only within a first season
    if (p.season === null && !(q.season === 1 && p.episodes.includes(q.episode))) return { ok: false, reason: `${describeMarks(p)}: the season is unknown` }
    if (p.season !== null && p.season !== q.season) return { ok: false, reason: `${describeMarks(p)}, not season ${q.season}` }
    if (!p.episodes.includes(q.episode)) return { ok: false, reason: `${describeMarks(p)}, not episode ${q.episode}` }
    return { ok: true, group: 'episode' }
  }
  return packMatch(p, q.season)
}

function packMatch (p: ReleaseName, season: number | null): Match {
  if (p.pack === 'complete') return { ok: true, group: 'pack' }
  if (p.pack === 'season' || p.pack === 'multi-season') {
    return season === null || p.seasons.includes(season) ? { ok: true, group: 'pack' } : { ok: false, reason: `${describeMarks(p)}, not season ${season}` }
  }
  if (p.pack === 'episode') {
    if (season === null) return { ok: false, reason: `a single episode (${describeMarks(p)}); search a season or an episode for those` }
    if (p.season === null) return { ok: false, reason: `${describeMarks(p)}: the season is unknown` }
    return p.season === season ? { ok: true, group: 'episode' } : { ok: false, reason: `${describeMarks(p)}, not season ${season}` }
  }
  return { ok: false, reason: p.date !== null ? `a daily episode (aired ${p.date}), not a season` : 'no season or episode in the name' }
}

export function matchRelease (r: Release, p: ReleaseName, q: ReleaseQuery): Match {
  if (p.sample) return { ok: false, reason: 'a sample' }
  if (p.trailer) return { ok: false, reason: 'a trailer' }
  const wrong = identity(r, p, q)
  if (wrong !== null) return { ok: false, reason: wrong }
  switch (q.kind) {
    case 'movie': return p.pack === null && p.date === null ? { ok: true, group: 'movie' } : { ok: false, reason: `a TV release (${describeMarks(p)})` }
    case 'episode': return episodeMatch(p, q)
    case 'season': return packMatch(p, q.season)
    case 'show': return packMatch(p, null)
  }
}
