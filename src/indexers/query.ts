// The Torznab request for a query, given what the indexer's caps offer: the structured mode with
// ids when it takes them (t=movie with tmdbid/imdbid, t=tvsearch with tvdbid/tmdbid + season/ep),
// else a free-text t=search ("Title Year", "Show S01E02"). Pure. Only supported parameters are
// sent: Jackett answers error 203 to an id its caps do not list.
import type { SearchMode, SearchQuery, TorznabCaps } from './types.ts'

export interface PlannedSearch {
  t: 'movie' | 'tvsearch' | 'search'
  /** every parameter but apikey */
  params: URLSearchParams
}

/** Results asked per request: the indexer's max when lower. */
const LIMIT = 100

/** Newznab's standard ranges: 2000-2999 movies, 5000-5999 TV; ids >= 100000 are the indexer's own. */
export function categoriesFor (query: SearchQuery, configured?: readonly number[]): number[] {
  const tv = query.kind !== 'movie'
  if (configured === undefined || configured.length === 0) return tv ? [5000] : [2000]
  const fitting = configured.filter((c) => c >= 100000 || (tv ? c >= 5000 && c < 6000 : c >= 2000 && c < 3000))
  // categories outside the standard ranges only: the user knows their indexer, send them all
  return fitting.length > 0 ? fitting : [...configured]
}

function available (caps: TorznabCaps | null, mode: SearchMode): boolean {
  return caps?.modes[mode]?.available === true
}

function supports (caps: TorznabCaps | null, mode: SearchMode, param: string): boolean {
  return available(caps, mode) && (caps?.modes[mode]?.supportedParams.includes(param) ?? false)
}

function pad (n: number): string {
  return String(n).padStart(2, '0')
}

/** "tt0137523" for any of "tt0137523", "0137523", "137523" */
export function imdbParam (imdbId: string | null | undefined): string | null {
  const m = /^(?:tt)?0*(\d{1,10})$/i.exec(imdbId?.trim() ?? '')
  return m === null || Number(m[1]) === 0 ? null : `tt${m[1]!.padStart(7, '0')}`
}

function text (...parts: Array<string | number | null | undefined>): string {
  return parts.filter((p) => p !== null && p !== undefined && p !== '').join(' ')
}

function movie (caps: TorznabCaps | null, q: Extract<SearchQuery, { kind: 'movie' }>, p: URLSearchParams): PlannedSearch['t'] {
  if (!available(caps, 'movie-search')) {
    p.set('q', text(q.title, q.year))
    return 'search'
  }
  const imdb = imdbParam(q.imdbId)
  if (q.tmdbId != null && supports(caps, 'movie-search', 'tmdbid')) p.set('tmdbid', String(q.tmdbId))
  if (imdb !== null && supports(caps, 'movie-search', 'imdbid')) p.set('imdbid', imdb)
  // an id alone: a title in q would drop releases named in another language
  if (!p.has('tmdbid') && !p.has('imdbid')) p.set('q', text(q.title, q.year))
  return 'movie'
}

function tv (caps: TorznabCaps | null, q: Exclude<SearchQuery, { kind: 'movie' }>, p: URLSearchParams): PlannedSearch['t'] {
  const season = q.kind === 'episode' || q.kind === 'season' ? q.season : null
  const episode = q.kind === 'episode' ? q.episode : null
  const marker = season === null ? null : `S${pad(season)}${episode === null ? '' : `E${pad(episode)}`}`
  // without structured seasons the marker goes into the text, as a user would type it
  if (!available(caps, 'tv-search') || (season !== null && !supports(caps, 'tv-search', 'season'))) {
    p.set('q', text(q.showTitle, marker))
    return available(caps, 'tv-search') ? 'tvsearch' : 'search'
  }
  if (q.tvdbId != null && supports(caps, 'tv-search', 'tvdbid')) p.set('tvdbid', String(q.tvdbId))
  if (q.tmdbId != null && supports(caps, 'tv-search', 'tmdbid')) p.set('tmdbid', String(q.tmdbId))
  if (!p.has('tvdbid') && !p.has('tmdbid')) p.set('q', q.showTitle)
  if (season !== null) p.set('season', String(season))
  // no ep parameter: the whole season comes back and ranking keeps the episode
  if (episode !== null && supports(caps, 'tv-search', 'ep')) p.set('ep', String(episode))
  return 'tvsearch'
}

/** The request for `query`; `caps` null (unknown) means a plain t=search. */
export function planSearch (caps: TorznabCaps | null, query: SearchQuery, categories?: readonly number[]): PlannedSearch {
  const p = new URLSearchParams()
  const t = query.kind === 'movie' ? movie(caps, query, p) : tv(caps, query, p)
  p.set('cat', categoriesFor(query, categories).join(','))
  p.set('limit', String(Math.min(LIMIT, Math.max(1, caps?.limits.max ?? LIMIT))))
  p.set('extended', '1')
  const params = new URLSearchParams([['t', t], ...p])
  return { t, params }
}
