// What a season-pack assign would do, decided from the identifier's matches and the show's
// episodes as they are now. Pure: the service stores what the plan says, a dry run only shows it.
//
// Per episode in scope, one action:
//   assign   a confident file, and the episode has no assignment
//   replace  a confident file replaces the episode's assignment (replace: true)
//   keep     the episode keeps its assignment (replace: false)
//   same     the episode is already assigned this very file: nothing to do
//   review   the only file found is a low-confidence match: shown, never stored
//   missing  no file of the torrent is this episode
// Scope: the requested season, else every season the torrent has a file for.
import type { Confidence, EpisodeRef, FileMatch, Identification } from '../packs/types.ts'
import { isConfident } from '../packs/types.ts'
import type { Quality } from '../releases/quality.ts'
import type { Assignment, ShowEpisodeSlot } from './types.ts'

export type EpisodeAction = 'assign' | 'replace' | 'keep' | 'same' | 'review' | 'missing'

export interface PlannedFile {
  path: string
  fileIndex: number
  size: number
  /** every episode the file holds (several for S01E01-E02) */
  episodes: EpisodeRef[]
  confidence: Confidence
  reason: string
  quality: Quality
}

export interface PlannedEpisode {
  slot: ShowEpisodeSlot
  file: PlannedFile | null
  action: EpisodeAction
}

export interface UnmatchedFile { path: string, fileIndex: number, size: number, reason: string }

export interface PackPlan {
  episodes: PlannedEpisode[]
  unmatched: UnmatchedFile[]
}

export interface PlanOptions {
  infoHash: string
  season?: number | undefined
  replace: boolean
}

const key = (season: number, episode: number): string => `${season}:${episode}`

export function planPack (found: Identification, slots: readonly ShowEpisodeSlot[], sizes: readonly number[], opts: PlanOptions): PackPlan {
  const bySlot = new Map(slots.map((s) => [key(s.season, s.episode), s]))
  const fileFor = new Map<string, PlannedFile>()
  const unmatched: UnmatchedFile[] = found.ignored.map((f) => ({ ...f, size: sizes[f.fileIndex] ?? 0 }))
  for (const m of found.matches) {
    const missing = m.episodes.filter((e) => !bySlot.has(key(e.season, e.episode)))
    if (missing.length === m.episodes.length) {
      unmatched.push({ path: m.path, fileIndex: m.fileIndex, size: sizes[m.fileIndex] ?? 0, reason: `${m.reason}; the show has no such episode` })
      continue
    }
    const file = plannedFile(m, sizes)
    for (const e of m.episodes) fileFor.set(key(e.season, e.episode), file)
  }
  unmatched.sort((a, b) => a.fileIndex - b.fileIndex)

  const seasons = opts.season !== undefined
    ? new Set([opts.season])
    : new Set([...fileFor.values()].flatMap((f) => f.episodes.map((e) => e.season)))
  const episodes = slots
    .filter((s) => seasons.has(s.season))
    .map((slot) => {
      const file = fileFor.get(key(slot.season, slot.episode)) ?? null
      return { slot, file, action: actionFor(slot.active, file, opts) }
    })
  return { episodes, unmatched }
}

function plannedFile (m: FileMatch, sizes: readonly number[]): PlannedFile {
  return { path: m.path, fileIndex: m.fileIndex, size: sizes[m.fileIndex] ?? 0, episodes: m.episodes, confidence: m.confidence, reason: m.reason, quality: m.quality }
}

function actionFor (active: Assignment | null, file: PlannedFile | null, opts: PlanOptions): EpisodeAction {
  if (file === null) return 'missing'
  if (!isConfident(file)) return 'review'
  if (active === null) return 'assign'
  if (active.infoHash === opts.infoHash && active.fileIndex === file.fileIndex) return 'same'
  return opts.replace ? 'replace' : 'keep'
}

/** Episodes the plan stores an assignment for. */
export function toStore (plan: PackPlan): Array<PlannedEpisode & { file: PlannedFile }> {
  return plan.episodes.filter((e): e is PlannedEpisode & { file: PlannedFile } => e.file !== null && (e.action === 'assign' || e.action === 'replace'))
}
