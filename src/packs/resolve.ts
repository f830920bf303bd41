// Turns what a name says (a NameClaim) into episodes of the show, with a confidence and the
// reason a person reads in the assign preview.
import { episodeLabel, type NameClaim } from './name-patterns.ts'
import type { SeasonHint } from './season-hints.ts'
import { fromAbsolute, missingReason, regularEpisodeCount, type ShowIndex } from './show-index.ts'
import type { Confidence, EpisodeRef } from './types.ts'

export interface Resolved {
  episodes: EpisodeRef[]
  confidence: Confidence
  reason: string
}

export interface ResolveContext {
  index: ShowIndex
  /** Season named by the file name itself (without an episode) or its innermost season folder. */
  hint: SeasonHint | null
  /** The season the caller asked for. */
  requested: number | undefined
}

const refs = (season: number, episodes: number[]): EpisodeRef[] => episodes.map((episode) => ({ season, episode }))

/** Lowers the confidence to low when the show lacks one of the episodes, saying which. */
function checked (episodes: EpisodeRef[], confidence: Confidence, reason: string, index: ShowIndex): Resolved {
  const missing = missingReason(index, episodes)
  if (missing === null) return { episodes, confidence, reason }
  return { episodes, confidence: 'low', reason: `${reason}; but ${missing}` }
}

/** The season a name without one belongs to, and where that came from. */
function impliedSeason (ctx: ResolveContext): { season: number, source: string, sure: boolean } | null {
  if (ctx.hint !== null) return { season: ctx.hint.season, source: ctx.hint.source, sure: true }
  if (ctx.requested !== undefined) return { season: ctx.requested, source: 'the requested season', sure: false }
  const only = ctx.index.regular.length === 1 ? ctx.index.regular[0] : undefined
  if (only !== undefined) return { season: only.season, source: 'the show\'s only season', sure: false }
  return null
}

export function resolveClaim (claim: NameClaim, ctx: ResolveContext): Resolved | string {
  switch (claim.kind) {
    case 'explicit': {
      const episodes = refs(claim.season, claim.episodes)
      const hint = ctx.hint
      // a pack folder "Season 2" holding S03E01 is mislabelled somewhere: worth a look
      if (hint !== null && hint.season !== claim.season && claim.season !== 0) {
        return checked(episodes, 'medium', `${claim.label} in the name, but ${hint.source} says season ${hint.season}`, ctx.index)
      }
      return checked(episodes, 'high', `${claim.label} in the name`, ctx.index)
    }
    case 'date': {
      const day = claim.date
      const aired = ctx.index.byAirDate.get(day) ?? []
      const first = aired[0]
      if (first === undefined) return `${claim.label} in the name, but no episode aired on ${day}`
      const label = episodeLabel(first.season, [first.episode])
      if (aired.length > 1) {
        return { episodes: [first], confidence: 'medium', reason: `${claim.label} in the name: ${aired.length} episodes aired on ${day}, took ${label}` }
      }
      return { episodes: [first], confidence: 'high', reason: `${claim.label} in the name: ${label} aired on ${day}` }
    }
    case 'episode': {
      const implied = impliedSeason(ctx)
      if (implied !== null) {
        const episodes = refs(implied.season, claim.episodes)
        const reason = `${claim.label} in the name, season ${implied.season} from ${implied.source}`
        return checked(episodes, implied.sure ? 'high' : 'medium', reason, ctx.index)
      }
      return resolveAbsolute(claim.episodes[0] ?? 0, claim.label, ctx)
    }
    case 'number':
      return resolveNumber(claim.number, claim.label, ctx)
  }
}

/** A bare number: within the implied season if it fits, else absolute across the show. */
function resolveNumber (n: number, label: string, ctx: ResolveContext): Resolved | string {
  const implied = impliedSeason(ctx)
  if (implied === null) return resolveAbsolute(n, label, ctx)
  const { season, source } = implied
  const inSeason = ctx.index.seasons.get(season)
  if (inSeason?.has(n) === true) {
    return { episodes: [{ season, episode: n }], confidence: 'medium', reason: `${label}, season ${season} from ${source}` }
  }
  // "Season 1/101 - Pilot.mkv": season digit then two episode digits
  const seasonDigits = String(season)
  const text = String(n)
  if (text.length >= 3 && text.startsWith(seasonDigits) && inSeason?.has(Number(text.slice(seasonDigits.length))) === true) {
    const episode = Number(text.slice(seasonDigits.length))
    return { episodes: [{ season, episode }], confidence: 'medium', reason: `${label} read as season ${season} episode ${episode} (${source})` }
  }
  // an anime second season numbered on from the first (13, 14, ...)
  const absolute = fromAbsolute(ctx.index, n)
  if (absolute?.season === season) {
    return { episodes: [absolute], confidence: 'medium', reason: `${label} read as absolute number: ${episodeLabel(absolute.season, [absolute.episode])} (${source})` }
  }
  return checked([{ season, episode: n }], 'low', `${label}, season ${season} from ${source}`, ctx.index)
}

function resolveAbsolute (n: number, label: string, ctx: ResolveContext): Resolved | string {
  const absolute = fromAbsolute(ctx.index, n)
  if (absolute === null) {
    const total = regularEpisodeCount(ctx.index)
    return `${label}: no season in the path, and absolute number ${n} is past the show's ${total} episodes`
  }
  const counts = ctx.index.regular.map((s) => `${s.episodes.length}`).join('+')
  return {
    episodes: [absolute],
    confidence: 'medium',
    reason: `${label} read as absolute number ${n}: ${episodeLabel(absolute.season, [absolute.episode])} (seasons of ${counts} episodes)`
  }
}
