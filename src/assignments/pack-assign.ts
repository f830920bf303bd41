// Assigning a season pack to a show (or one season of it) in one call: join the swarm and
// wait for metadata like a single assign, identify every file (packs/identify.ts), plan per
// episode (pack-plan.ts), and unless it is a dry run store every confident match in one
// transaction. A multi-episode file backs each of its episodes.
import { NotFoundError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { identifyFiles } from '../packs/identify.ts'
import type { ShowLayout } from '../packs/types.ts'
import type { Torrent } from '../torrent/types.ts'
import type { AssignmentEvents } from './events.ts'
import { parseTorrentRef, type TorrentRef } from './magnet.ts'
import { deactivated } from './mapper.ts'
import { planPack, toStore, type PackPlan } from './pack-plan.ts'
import type { AssignmentRepository } from './repository.ts'
import type { TorrentClaims } from './torrent-claims.ts'
import type { Assignment, ShowEpisodeSlot } from './types.ts'

export interface PackAssignInput {
  magnet_uri: string
  season?: number | undefined
  dry_run?: boolean | undefined
  replace?: boolean | undefined
}

export interface PackAssignResult {
  showId: number
  infoHash: string
  torrentName: string
  season: number | null
  dryRun: boolean
  replace: boolean
  plan: PackPlan
  /** episode id -> the assignment stored for it (empty for a dry run) */
  stored: Map<number, Assignment>
}

export type PackStore = Pick<AssignmentRepository, 'showExists' | 'showEpisodes' | 'createMany'>

export class PackAssignService {
  constructor (
    private readonly repo: PackStore,
    private readonly claims: TorrentClaims,
    private readonly events: AssignmentEvents,
    private readonly log: Logger
  ) {}

  async assign (showId: number, input: PackAssignInput): Promise<PackAssignResult> {
    this.requireScope(showId, input.season)
    const ref = parseTorrentRef(input.magnet_uri)
    return await this.claims.withTorrent(ref, (torrent) => {
      const result = this.planAndStore(showId, input, ref, torrent)
      return { result, kept: result.stored.size > 0 }
    })
  }

  private planAndStore (showId: number, input: PackAssignInput, ref: TorrentRef, torrent: Torrent): PackAssignResult {
    // the show or season may have been deleted while we waited for metadata
    const slots = this.requireScope(showId, input.season)
    const files = torrent.info.files
    const found = identifyFiles(files.map((f) => ({ path: f.path, length: f.length })), layoutOf(slots), input.season === undefined ? {} : { season: input.season })
    const replace = input.replace === true
    const plan = planPack(found, slots, files.map((f) => f.length), { infoHash: ref.infoHash, season: input.season, replace })
    const dryRun = input.dry_run === true
    const result: PackAssignResult = { showId, infoHash: ref.infoHash, torrentName: torrent.info.name, season: input.season ?? null, dryRun, replace, plan, stored: new Map() }
    if (dryRun) return result

    const chosen = toStore(plan)
    const stored = this.repo.createMany(chosen.map((e) => ({
      itemType: 'episode' as const,
      itemId: e.slot.episodeId,
      assignment: {
        infoHash: ref.infoHash,
        magnetUri: ref.magnetUri,
        filePath: e.file.path,
        fileIndex: e.file.fileIndex,
        fileSize: e.file.size,
        resolution: e.file.quality.resolution,
        source: e.file.quality.source
      }
    })))
    for (const { assignment, previous } of stored) {
      result.stored.set(assignment.itemId, assignment)
      if (previous !== null) this.events.unassigned(deactivated(previous, assignment.createdAt))
      this.events.assigned(assignment)
    }
    this.log.info({ showId, season: input.season, infoHash: ref.infoHash, stored: stored.length, episodes: plan.episodes.length }, 'season pack assigned')
    return result
  }

  /** The show's episodes in scope; 404 when the show, or the requested season, does not exist. */
  private requireScope (showId: number, season: number | undefined): ShowEpisodeSlot[] {
    if (!this.repo.showExists(showId)) throw new NotFoundError(`show ${showId} does not exist`)
    const slots = this.repo.showEpisodes(showId)
    if (season !== undefined && !slots.some((s) => s.season === season)) {
      throw new NotFoundError(`show ${showId} has no season ${season} (or it has no episodes)`)
    }
    return slots
  }
}

/** The show's seasons and episodes as the identifier reads them. */
function layoutOf (slots: readonly ShowEpisodeSlot[]): ShowLayout {
  const seasons = new Map<number, ShowLayout['seasons'][number]>()
  for (const s of slots) {
    let season = seasons.get(s.season)
    if (season === undefined) { season = { seasonNumber: s.season, episodes: [] }; seasons.set(s.season, season) }
    season.episodes.push({ episodeNumber: s.episode, airDate: s.airDate })
  }
  return { seasons: [...seasons.values()] }
}
