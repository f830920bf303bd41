// "Add to library -> playable" in one call: search the indexers for the item, check the swarms of
// the best releases live (indexer seeder counts are often stale), and assign the best healthy one.
// For a show, per season: the best healthy pack whose files cover every episode still missing,
// else the best healthy release per missing episode. A dry run answers the choice and stores
// nothing (a pack's coverage is still checked, which needs its metadata).
import type { Logger } from '../logger.ts'
import { DomainError, NotFoundError, UnprocessableError } from '../errors.ts'
import type { AssignmentService } from '../assignments/service.ts'
import type { PackAssignService } from '../assignments/pack-assign.ts'
import type { ShowEpisodeSlot } from '../assignments/types.ts'
import type { ReleaseItems } from '../api/routes/releases.ts'
import type { SwarmHealth } from './health.ts'
import type { HealthResult } from './health-types.ts'
import type { ReleaseSearch } from './search.ts'
import type { RankedRelease, ReleaseGroup } from './types.ts'

/** Releases per search whose swarms are checked, best first. */
const CHECKED = 4

export interface Considered {
  release: RankedRelease
  health: HealthResult | null
  /** why it was or was not taken */
  verdict: string
}

/** A healthy release with its magnet, and its entry among the considered ones (its verdict is updated). */
export interface Choice { release: RankedRelease, magnetUri: string, health: HealthResult, entry: Considered }

export interface MovieAutoAssign {
  chosen: Considered | null
  considered: Considered[]
  assignmentId: number | null
  indexers: Awaited<ReturnType<ReleaseSearch['search']>>['indexers']
}

export interface SeasonAutoAssign {
  season: number
  /** episodes without an assignment before this call */
  missing: number
  pack: Considered | null
  packs: Considered[]
  episodes: Array<{ episodeId: number, episode: number, chosen: Considered | null, considered: Considered[], assignmentId: number | null, verdict: string }>
  stored: number
  verdict: string
}

export interface AutoAssignDeps {
  search: Pick<ReleaseSearch, 'search' | 'resolveRelease'>
  health: Pick<SwarmHealth, 'check'>
  assignments: Pick<AssignmentService, 'assign'>
  packs: Pick<PackAssignService, 'assign'>
  items: ReleaseItems
  episodes: (showId: number) => ShowEpisodeSlot[]
  logger: Logger
}

/** A swarm worth joining: a seeder answered, or peers gave the metadata. */
export function isHealthy (h: HealthResult): boolean {
  return h.seeders > 0 || (h.metadata && h.peersReached > 0)
}

function describeHealth (h: HealthResult): string {
  return `${h.seeders} seeder${h.seeders === 1 ? '' : 's'}, ${h.peersReached} peer${h.peersReached === 1 ? '' : 's'} reached${h.metadata ? ', metadata received' : ''}`
}

export class AutoAssigner {
  constructor (private readonly deps: AutoAssignDeps) {}

  async movie (id: number, dryRun: boolean): Promise<MovieAutoAssign> {
    const m = await this.deps.items.movie(id)
    if (m === null) throw new NotFoundError(`movie ${id} not found`)
    const answer = await this.deps.search.search({ kind: 'movie', title: m.title, year: m.year, tmdbId: m.tmdbId, imdbId: m.imdbId })
    const { healthy, considered } = await this.checkSwarms(answer.releases, 'movie')
    for (const { entry, ...choice } of healthy) {
      if (dryRun) { entry.verdict = `chosen: ${entry.verdict}`; return { chosen: entry, considered, assignmentId: null, indexers: answer.indexers } }
      try {
        const a = await this.deps.assignments.assign('movie', id, { magnet_uri: choice.magnetUri, resolution: choice.release.parsed.quality.resolution, source: choice.release.parsed.quality.source })
        entry.verdict = `chosen: ${entry.verdict}`
        return { chosen: entry, considered, assignmentId: a.id, indexers: answer.indexers }
      } catch (err) {
        if (!(err instanceof DomainError) || err.status >= 500 && err.status !== 504) throw err
        entry.verdict = `assign failed: ${err.message}`
      }
    }
    throw new UnprocessableError(`no healthy release found for movie ${id} among ${answer.releases.length} found`, { considered: considered.map(consideredJson), indexers: answer.indexers })
  }

  async show (showId: number, opts: { season?: number | undefined, dryRun: boolean }): Promise<SeasonAutoAssign[]> {
    const s = await this.deps.items.show(showId)
    if (s === null) throw new NotFoundError(`show ${showId} not found`)
    const slots = this.deps.episodes(showId)
    const seasons = opts.season !== undefined
      ? [opts.season]
      : [...new Set(slots.filter((x) => x.season > 0).map((x) => x.season))]
    if (opts.season !== undefined && !slots.some((x) => x.season === opts.season)) throw new NotFoundError(`show ${showId} has no season ${opts.season}`)
    const base = { showTitle: s.title, year: s.year, tmdbId: s.tmdbId, tvdbId: s.tvdbId }
    const out: SeasonAutoAssign[] = []
    for (const season of seasons) {
      const missing = slots.filter((x) => x.season === season && x.active === null)
      const result: SeasonAutoAssign = { season, missing: missing.length, pack: null, packs: [], episodes: [], stored: 0, verdict: '' }
      out.push(result)
      if (missing.length === 0) { result.verdict = 'every episode already has a file'; continue }
      const answer = await this.deps.search.search({ kind: 'season', ...base, season })
      const packs = await this.checkSwarms(answer.releases, 'pack')
      result.packs = packs.considered
      for (const { entry, ...choice } of packs.healthy) {
        const covered = await this.coverage(showId, season, choice.magnetUri, missing)
        if (typeof covered === 'string') { entry.verdict = covered; continue }
        entry.verdict = `chosen: covers all ${missing.length} missing episodes; ${entry.verdict}`
        result.pack = entry
        if (!opts.dryRun) {
          const applied = await this.deps.packs.assign(showId, { magnet_uri: choice.magnetUri, season })
          result.stored = applied.stored.size
        }
        break
      }
      if (result.pack !== null) { result.verdict = `season pack ${result.pack.release.name}`; continue }
      for (const ep of missing) {
        const epAnswer = await this.deps.search.search({ kind: 'episode', ...base, season, episode: ep.episode, airDate: ep.airDate })
        const { healthy, considered } = await this.checkSwarms(epAnswer.releases, 'episode')
        const choice = healthy[0]
        const row = { episodeId: ep.episodeId, episode: ep.episode, chosen: null as Considered | null, considered, assignmentId: null as number | null, verdict: 'no healthy release' }
        result.episodes.push(row)
        if (choice === undefined) continue
        row.chosen = choice.entry
        row.verdict = `chosen: ${row.chosen.release.name}`
        if (opts.dryRun) continue
        try {
          row.assignmentId = (await this.deps.assignments.assign('episode', ep.episodeId, { magnet_uri: choice.magnetUri })).id
          result.stored++
        } catch (err) {
          if (!(err instanceof DomainError)) throw err
          row.verdict = `assign failed: ${err.message}`
        }
      }
      result.verdict = result.episodes.some((e) => e.chosen !== null) ? 'no pack covers the season: one release per episode' : 'no healthy pack or episode release found'
    }
    return out
  }

  /** Whether the pack's files cover every missing episode (its metadata fetched, nothing stored). */
  private async coverage (showId: number, season: number, magnetUri: string, missing: ShowEpisodeSlot[]): Promise<true | string> {
    try {
      const plan = await this.deps.packs.assign(showId, { magnet_uri: magnetUri, season, dry_run: true })
      const covered = new Set(plan.plan.episodes.filter((e) => e.action === 'assign').map((e) => e.slot.episodeId))
      const lacking = missing.filter((m) => !covered.has(m.episodeId))
      return lacking.length === 0 ? true : `covers ${missing.length - lacking.length} of ${missing.length} missing episodes`
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      return `could not be read: ${err.message}`
    }
  }

  /** Checks the swarms of the best CHECKED releases of `group`; the healthy ones come back in rank order. */
  private async checkSwarms (releases: RankedRelease[], group: ReleaseGroup): Promise<{ healthy: Choice[], considered: Considered[] }> {
    const top = releases.filter((r) => r.group === group).slice(0, CHECKED)
    const withMagnet: Array<{ release: RankedRelease, magnetUri: string }> = []
    const considered: Considered[] = []
    for (const release of top) {
      try {
        withMagnet.push({ release, magnetUri: release.magnetUri ?? (await this.deps.search.resolveRelease(release.id)).magnetUri })
      } catch (err) {
        if (!(err instanceof DomainError)) throw err
        considered.push({ release, health: null, verdict: `no magnet: ${err.message}` })
      }
    }
    const results = withMagnet.length === 0 ? [] : await this.deps.health.check(withMagnet.map((w) => w.magnetUri))
    const healthy: Choice[] = []
    withMagnet.forEach((w, i) => {
      const health = results[i]!
      const ok = isHealthy(health)
      const entry: Considered = { release: w.release, health, verdict: `${ok ? 'healthy' : 'unhealthy'}: ${describeHealth(health)}` }
      considered.push(entry)
      if (ok) healthy.push({ ...w, health, entry })
    })
    considered.sort((a, b) => top.indexOf(a.release) - top.indexOf(b.release))
    this.deps.logger.debug({ group, checked: considered.length, healthy: healthy.length }, 'release swarms checked')
    return { healthy, considered }
  }
}

/** A considered release as the API shows it. */
export function consideredJson (c: Considered): { release_id: string, name: string, group: string, score: number, reasons: string[], seeders: number | null, health: HealthResult | null, verdict: string } {
  return { release_id: c.release.id, name: c.release.name, group: c.release.group, score: c.release.score, reasons: c.release.reasons, seeders: c.release.seeders, health: c.health, verdict: c.verdict }
}
