// Picks at most one subtitle per wanted language from a search's candidates. Pure.
//
// Order of preference, each rule deciding only between candidates equal on the rules before it:
//   1. the movie hash matched: made for this very file, so its timing fits;
//   2. written by a person: machine- and AI-translated ones are a last resort;
//   3. full subtitles rather than forced ones (foreign parts only), unless forced are preferred;
//   4. not hearing-impaired (SDH) unless SDH is preferred; SDH still wins when it is all there is;
//   5. more downloads; then from a trusted uploader; then the lower file id, so the pick is stable.
import { languageMatches } from './languages.ts'
import type { SubtitleCandidate } from './types.ts'

export interface BestMatchOptions {
  /** 'avoid' (default): full subtitles first; 'prefer': forced (foreign parts only) first */
  forced?: 'avoid' | 'prefer'
  /** 'avoid' (default): plain first, SDH when only SDH exists; 'prefer': SDH first */
  hearingImpaired?: 'avoid' | 'prefer'
}

export interface BestMatch {
  /** the wanted language as given */
  language: string
  candidate: SubtitleCandidate
  /** why this one, for logs and the API: "movie hash match, human translation, 3 candidates" */
  reason: string
}

type Rule = (c: SubtitleCandidate) => number

function rules (opts: BestMatchOptions): Rule[] {
  const forcedFirst = opts.forced === 'prefer'
  const sdhFirst = opts.hearingImpaired === 'prefer'
  return [
    (c) => (c.moviehashMatch ? 0 : 1),
    (c) => (c.machineTranslated || c.aiTranslated ? 1 : 0),
    (c) => (c.forced === forcedFirst ? 0 : 1),
    (c) => (c.hearingImpaired === sdhFirst ? 0 : 1),
    (c) => -c.downloadCount,
    (c) => (c.fromTrusted ? 0 : 1),
    (c) => c.fileId
  ]
}

function compare (ranked: Rule[], a: SubtitleCandidate, b: SubtitleCandidate): number {
  for (const rule of ranked) {
    const d = rule(a) - rule(b)
    if (d !== 0) return d
  }
  return 0
}

function explain (c: SubtitleCandidate, count: number): string {
  const parts = [
    c.moviehashMatch ? 'movie hash match' : 'no movie hash match',
    c.machineTranslated ? 'machine translated' : c.aiTranslated ? 'AI translated' : 'human translation',
    c.forced ? 'forced (foreign parts only)' : 'full subtitles',
    c.hearingImpaired ? 'hearing impaired' : 'not hearing impaired',
    `${c.downloadCount} downloads`,
    `best of ${count} candidate${count === 1 ? '' : 's'}`
  ]
  return parts.join(', ')
}

/**
 * One pick per wanted language, in the order of `languages`; a language without candidates is
 * left out. A candidate is picked once at most (when "pt" and "pt-BR" are both wanted, the
 * second takes the best one not taken yet).
 */
export function bestPerLanguage (candidates: readonly SubtitleCandidate[], languages: readonly string[], opts: BestMatchOptions = {}): BestMatch[] {
  const ranked = rules(opts)
  const taken = new Set<number>()
  const out: BestMatch[] = []
  for (const language of languages) {
    const pool = candidates.filter((c) => !taken.has(c.fileId) && languageMatches(language, c))
    if (pool.length === 0) continue
    const best = pool.reduce((a, b) => (compare(ranked, b, a) < 0 ? b : a))
    taken.add(best.fileId)
    out.push({ language, candidate: best, reason: explain(best, pool.length) })
  }
  return out
}
