// Ranks the releases of a search: drops what is not the item (match.ts), what the preferences
// exclude (words, seeders, size), and scores the rest with the reason for every part. Pure.
//
// Score: a preferred resolution up to 40 points, source 20, codec 10 (the first of a list gets
// it all, each next one less: 40 * (n - i) / n), seeders 10 * log10(seeders + 1) (42 -> 16:
// more seeders help, but 1000 is not worth 100 times 10), PROPER/REPACK 5, freeleech 2.
import { parseQuality, type Quality } from './quality.ts'
import { parseReleaseName, type ReleaseName } from './release-name.ts'
import { matchRelease } from './match.ts'
import {
  DEFAULT_RELEASE_PREFS, type DroppedRelease, type RankedRelease, type Ranking, type Release, type ReleaseGroup,
  type ReleasePrefs, type ReleaseQuery
} from './types.ts'

const GIB = 1024 ** 3
type Field = 'resolution' | 'source' | 'codec'
const WEIGHTS: Record<Field, number> = { resolution: 40, source: 20, codec: 10 }
const TAG_FIELDS: ReadonlyArray<keyof Quality> = ['source', 'resolution', 'codec', 'hdr']

/** A preference or exclude word as the parser reads it: "WEB" -> WEB-DL, "h265" -> x265, "ts" -> TS. */
function tagOf (word: string, field: keyof Quality): string | null {
  // CAM/TS/TC are read upper-case only (they are title words too); a config word means the tag
  return parseQuality(word)[field] ?? parseQuality(word.toUpperCase())[field]
}

function preference (field: Field, value: string | null, list: readonly string[]): [number, string] {
  const label = field === 'resolution' ? 'resolution' : field
  if (value === null) return [0, `${label} unknown (+0)`]
  const i = list.findIndex((w) => (tagOf(w, field) ?? w).toLowerCase() === value.toLowerCase())
  if (i < 0) return [0, `${value}: not preferred (+0)`]
  const points = Math.round(WEIGHTS[field] * (list.length - i) / list.length)
  return [points, `${value}: preferred #${i + 1} (+${points})`]
}

function escape (s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The exclude word that applies, described, or null. */
function excludedBy (name: string, q: Quality, words: readonly string[]): string | null {
  for (const word of words) {
    const w = word.trim()
    if (w === '') continue
    const field = TAG_FIELDS.find((f) => tagOf(w, f) !== null)
    if (field !== undefined) {
      if (q[field] === tagOf(w, field)) return `excluded: ${q[field] ?? w} (${field})`
      continue
    }
    if (new RegExp(`(?<![\\p{L}\\p{N}])${escape(w)}(?![\\p{L}\\p{N}])`, 'iu').test(name)) return `excluded: "${w}" in the name`
  }
  return null
}

function gb (bytes: number): string {
  return `${(bytes / GIB).toFixed(1)} GB`
}

function score (r: Release, p: ReleaseName, prefs: ReleasePrefs): { score: number, reasons: string[] } {
  const parts: Array<[number, string]> = [
    preference('resolution', p.quality.resolution, prefs.prefer.resolutions),
    preference('source', p.quality.source, prefs.prefer.sources)
  ]
  if (p.quality.codec !== null) parts.push(preference('codec', p.quality.codec, prefs.prefer.codecs))
  if (r.seeders === null) parts.push([0, 'seeders unknown (+0)'])
  else {
    const s = Math.round(10 * Math.log10(r.seeders + 1))
    parts.push([s, `${r.seeders} seeder${r.seeders === 1 ? '' : 's'} (+${s})`])
  }
  if (p.proper || p.repack) parts.push([5, `${p.repack ? 'REPACK' : 'PROPER'} (+5)`])
  if (r.freeleech) parts.push([2, 'freeleech (+2)'])
  return { score: parts.reduce((sum, [n]) => sum + n, 0), reasons: parts.map(([, why]) => why) }
}

/** The query's own group first: episodes for an episode search, packs for season and show searches. */
function groupOrder (q: ReleaseQuery): ReleaseGroup[] {
  return q.kind === 'episode' ? ['episode', 'pack'] : q.kind === 'movie' ? ['movie'] : ['pack', 'episode']
}

export function rankReleases (releases: readonly Release[], query: ReleaseQuery, prefs: ReleasePrefs = DEFAULT_RELEASE_PREFS): Ranking {
  const kept: Array<Omit<RankedRelease, 'rank'>> = []
  const dropped: DroppedRelease[] = []
  const drop = (r: Release, reason: string): void => { dropped.push({ id: r.id, name: r.name, indexers: r.indexers, reason }) }
  for (const r of releases) {
    const parsed = parseReleaseName(r.name)
    const match = matchRelease(r, parsed, query)
    if (!match.ok) { drop(r, match.reason); continue }
    const excluded = excludedBy(r.name, parsed.quality, prefs.exclude)
    if (excluded !== null) { drop(r, excluded); continue }
    if (r.seeders !== null && r.seeders < prefs.min_seeders) { drop(r, `${r.seeders} seeders, below min_seeders ${prefs.min_seeders}`); continue }
    if (prefs.max_size_gb > 0 && r.size !== null && r.size > prefs.max_size_gb * GIB) { drop(r, `${gb(r.size)}, over max_size_gb ${prefs.max_size_gb}`); continue }
    kept.push({ ...r, parsed, group: match.group, ...score(r, parsed, prefs) })
  }
  const order = groupOrder(query)
  kept.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group) || b.score - a.score ||
    (b.seeders ?? -1) - (a.seeders ?? -1) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  const counters = new Map<ReleaseGroup, number>()
  const ranked = kept.map((r) => {
    const rank = (counters.get(r.group) ?? 0) + 1
    counters.set(r.group, rank)
    return { ...r, rank }
  })
  return { releases: ranked, dropped }
}
