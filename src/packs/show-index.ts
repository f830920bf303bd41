// The show's episode list arranged for lookups: does S02E05 exist, which episode is absolute
// number 13, which episode aired on 2024-03-15.
import type { EpisodeRef, ShowLayout } from './types.ts'

export interface ShowIndex {
  /** Episode numbers by season, season 0 (specials) included. */
  seasons: Map<number, Set<number>>
  /** Regular seasons (season 0 excluded) in order, with their episode numbers in order. */
  regular: Array<{ season: number, episodes: number[] }>
  byAirDate: Map<string, EpisodeRef[]>
}

export function indexShow (show: ShowLayout): ShowIndex {
  const seasons = new Map<number, Set<number>>()
  const byAirDate = new Map<string, EpisodeRef[]>()
  for (const s of show.seasons) {
    const set = seasons.get(s.seasonNumber) ?? new Set<number>()
    for (const e of s.episodes) {
      set.add(e.episodeNumber)
      // TMDB dates are YYYY-MM-DD; anything longer (a timestamp) is cut to the day
      if (e.airDate !== null && e.airDate.length >= 10) {
        const day = e.airDate.slice(0, 10)
        const list = byAirDate.get(day) ?? []
        list.push({ season: s.seasonNumber, episode: e.episodeNumber })
        byAirDate.set(day, list)
      }
    }
    seasons.set(s.seasonNumber, set)
  }
  const regular = [...seasons.entries()]
    .filter(([season]) => season > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([season, set]) => ({ season, episodes: [...set].sort((a, b) => a - b) }))
  for (const list of byAirDate.values()) list.sort((a, b) => a.season - b.season || a.episode - b.episode)
  return { seasons, regular, byAirDate }
}

/**
 * Absolute numbering counts episodes across the regular seasons in order (anime packs number
 * a second season 13, 14, ...). Specials never count. Null past the last known episode.
 */
export function fromAbsolute (index: ShowIndex, absolute: number): EpisodeRef | null {
  if (absolute < 1) return null
  let left = absolute
  for (const s of index.regular) {
    if (left <= s.episodes.length) {
      const episode = s.episodes[left - 1]
      return episode === undefined ? null : { season: s.season, episode }
    }
    left -= s.episodes.length
  }
  return null
}

export function regularEpisodeCount (index: ShowIndex): number {
  return index.regular.reduce((n, s) => n + s.episodes.length, 0)
}

/** Why these episodes are not all in the show, or null when they are. */
export function missingReason (index: ShowIndex, refs: EpisodeRef[]): string | null {
  for (const ref of refs) {
    const set = index.seasons.get(ref.season)
    if (set === undefined) {
      const known = [...index.seasons.keys()].sort((a, b) => a - b)
      return known.length === 0
        ? 'the show lists no seasons'
        : `season ${ref.season} is not in the show (seasons ${known.join(', ')})`
    }
    if (!set.has(ref.episode)) {
      return `episode ${ref.episode} is not in season ${ref.season} (${set.size} episodes)`
    }
  }
  return null
}
