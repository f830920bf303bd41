// `momoshtrem search movie|episode|show ID [--season N]` and
// `momoshtrem assign movie|episode|show ID (--best | --release RID | --magnet URI) [--season N] [--dry-run]`:
// the release path of the API from a shell. IDs are library ids; `tmdb:550` names a movie or a
// show by its TMDB id. Output is a readable table, or the API's JSON with --json.
import type { Api } from './api.ts'
import { ApiError } from './api.ts'

export interface CommandOptions {
  season?: number | undefined
  best?: boolean | undefined
  release?: string | undefined
  magnet?: string | undefined
  dryRun?: boolean | undefined
  json?: boolean | undefined
}

type Kind = 'movie' | 'episode' | 'show'
const SEGMENT: Record<Kind, string> = { movie: 'movies', episode: 'episodes', show: 'shows' }

export class UsageError extends Error {}

function kindOf (s: string | undefined): Kind {
  if (s === 'movie' || s === 'episode' || s === 'show') return s
  throw new UsageError(`expected movie, episode or show, not ${JSON.stringify(s ?? '')}`)
}

/** A library id, or `tmdb:N` looked up among the library's movies or shows. */
async function libraryId (api: Api, kind: Kind, raw: string | undefined): Promise<number> {
  if (raw !== undefined && /^[1-9]\d*$/.test(raw)) return Number(raw)
  const tmdb = /^tmdb:([1-9]\d*)$/.exec(raw ?? '')
  if (tmdb === null || kind === 'episode') throw new UsageError(`expected a library id${kind === 'episode' ? '' : ' or tmdb:ID'}, not ${JSON.stringify(raw ?? '')}`)
  for (let offset = 0; ; offset += 500) {
    const page = await api.call('GET', `/${SEGMENT[kind]}?limit=500&offset=${offset}`) as { items: Array<{ id: number, tmdb_id: number | null }>, total: number }
    const hit = page.items.find((i) => i.tmdb_id === Number(tmdb[1]))
    if (hit !== undefined) return hit.id
    if (offset + 500 >= page.total) throw new ApiError(404, `no ${kind} with TMDB id ${tmdb[1]} in the library; add it first`)
  }
}

interface Release { id: string, name: string, group: string, rank: number, score: number, seeders: number | null, size: number | null, indexers: string[] }
interface SearchAnswer { releases: Release[], dropped: unknown[], indexers: Array<{ name: string, ok: boolean, count: number, ms: number, error?: { message: string } }> }

const gib = (n: number | null): string => n === null ? '?' : `${(n / 2 ** 30).toFixed(1)} GiB`

export async function search (api: Api, args: string[], o: CommandOptions, out: (line: string) => void): Promise<void> {
  const kind = kindOf(args[0])
  const id = await libraryId(api, kind, args[1])
  const query = kind === 'show' && o.season !== undefined ? `?season=${o.season}` : ''
  const answer = await api.call('GET', `/${SEGMENT[kind]}/${id}/releases${query}`) as SearchAnswer
  if (o.json === true) { out(JSON.stringify(answer, null, 2)); return }
  for (const i of answer.indexers) out(`# ${i.name}: ${i.ok ? `${i.count} results in ${Math.round(i.ms)} ms` : `failed: ${i.error?.message ?? 'unknown error'}`}`)
  if (answer.releases.length === 0) { out('no releases found'); return }
  for (const r of answer.releases) {
    out(`${r.group.padEnd(7)} #${String(r.rank).padEnd(3)} ${r.score.toFixed(0).padStart(4)}  ${String(r.seeders ?? '?').padStart(5)} seeders  ${gib(r.size).padStart(9)}  ${r.name}  [${r.id}]`)
  }
  out(`${answer.dropped.length} dropped (not this item, excluded or below min_seeders); --json lists them with reasons`)
}

export async function assign (api: Api, args: string[], o: CommandOptions, out: (line: string) => void): Promise<void> {
  const kind = kindOf(args[0])
  const id = await libraryId(api, kind, args[1])
  const ways = [o.best === true, o.release !== undefined, o.magnet !== undefined].filter(Boolean).length
  if (ways !== 1) throw new UsageError('give one of --best, --release RID, --magnet URI')
  const season = o.season === undefined ? {} : { season: o.season }
  let answer: unknown
  if (o.best === true) {
    if (kind === 'episode') throw new UsageError('--best works on a movie or a show (a show picks per season, then per episode)')
    answer = await api.call('POST', `/${SEGMENT[kind]}/${id}/auto-assign`, { ...(kind === 'show' ? season : {}), ...(o.dryRun === true ? { dry_run: true } : {}) })
  } else {
    const ref = o.release !== undefined ? { release_id: o.release } : { magnet_uri: o.magnet }
    answer = await api.call('POST', `/${SEGMENT[kind]}/${id}/assign`, { ...ref, ...(kind === 'show' ? { ...season, ...(o.dryRun === true ? { dry_run: true } : {}) } : {}) })
  }
  if (o.json === true) { out(JSON.stringify(answer, null, 2)); return }
  out(summary(answer))
}

function summary (answer: unknown): string {
  const a = answer as Record<string, any>
  if (a.chosen !== undefined) {
    return a.chosen === null ? 'nothing chosen' : `${a.dry_run === true ? 'would assign' : 'assigned'}: ${a.chosen.name} (${a.chosen.verdict})`
  }
  if (Array.isArray(a.seasons)) {
    return a.seasons.map((s: any) => `season ${s.season}: ${s.verdict}${s.stored > 0 ? `, ${s.stored} stored` : ''}`).join('\n')
  }
  if (a.counts !== undefined) return `${a.dry_run === true ? 'plan' : 'stored'}: ${a.counts.stored} of ${a.counts.episodes} episodes (${a.counts.review} to review, ${a.counts.missing} missing)`
  return `assigned: ${String(a.file_path)} of ${String(a.info_hash)}`
}
