// The answer of POST /api/shows/:id/assign: the season-pack plan per episode, the files left
// out, and what was stored. Enough for a preview in a UI (dry_run) and for a report after apply.
import { Type, type Static } from '@fastify/type-provider-typebox'
import type { PackAssignResult } from '../../assignments/pack-assign.ts'
import type { PlannedEpisode } from '../../assignments/pack-plan.ts'
import { episodeLabel } from '../../packs/name-patterns.ts'
import { Nullable } from './common.ts'
import { TorrentRefFields } from '../routes/release-ref.ts'

export const PackAssignBody = Type.Object({
  ...TorrentRefFields,
  season: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'only this season (also the season of names that carry none)' })),
  dry_run: Type.Optional(Type.Boolean({ description: 'answer the plan, store nothing' })),
  replace: Type.Optional(Type.Boolean({ description: 'replace episodes that already have an assignment (kept by default)' }))
}, { additionalProperties: false })

const Quality = Type.Object({
  resolution: Nullable(Type.String()),
  source: Nullable(Type.String()),
  codec: Nullable(Type.String()),
  hdr: Nullable(Type.String()),
  audio: Nullable(Type.String())
})

const PlannedFile = Type.Object({
  path: Type.String(),
  file_index: Type.Integer(),
  size: Type.Integer(),
  /** 'S01E01' or 'S01E01-E02' for a multi-episode file */
  episodes: Type.String({ description: 'the episodes the file holds, e.g. S01E01-E02' }),
  confidence: Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]),
  reason: Type.String(),
  quality: Quality
})

const Existing = Type.Object({ assignment_id: Type.Integer(), info_hash: Type.String(), file_path: Type.String() })

export const PackEpisodeSchema = Type.Object({
  episode_id: Type.Integer(),
  season: Type.Integer(),
  episode: Type.Integer(),
  name: Nullable(Type.String()),
  action: Type.Union([Type.Literal('assign'), Type.Literal('replace'), Type.Literal('keep'), Type.Literal('same'), Type.Literal('review'), Type.Literal('missing')], {
    description: 'assign/replace: stored (or would be, in a dry run); keep: its assignment stays; same: already this file; review: low-confidence match, not stored; missing: no file'
  }),
  file: Nullable(PlannedFile),
  existing: Nullable(Existing),
  /** the assignment stored for the episode by this call */
  assignment_id: Nullable(Type.Integer())
})

export const PackAssignSchema = Type.Object({
  show_id: Type.Integer(),
  info_hash: Type.String(),
  torrent_name: Type.String(),
  season: Nullable(Type.Integer()),
  dry_run: Type.Boolean(),
  replace: Type.Boolean(),
  episodes: Type.Array(PackEpisodeSchema),
  unmatched_files: Type.Array(Type.Object({ path: Type.String(), file_index: Type.Integer(), size: Type.Integer(), reason: Type.String() })),
  missing_episodes: Type.Array(Type.Object({ episode_id: Type.Integer(), season: Type.Integer(), episode: Type.Integer() })),
  existing: Type.Array(Type.Object({ episode_id: Type.Integer(), season: Type.Integer(), episode: Type.Integer(), ...Existing.properties, kept: Type.Boolean() })),
  stored: Type.Array(Type.Object({ episode_id: Type.Integer(), assignment_id: Type.Integer(), file_path: Type.String() })),
  counts: Type.Object({
    episodes: Type.Integer(),
    matched: Type.Integer({ description: 'episodes with a confident file' }),
    stored: Type.Integer(),
    kept: Type.Integer(),
    review: Type.Integer(),
    missing: Type.Integer(),
    unmatched_files: Type.Integer()
  })
})

type PackJson = Static<typeof PackAssignSchema>

function episodeJson (e: PlannedEpisode, stored: PackAssignResult['stored']): PackJson['episodes'][number] {
  const { slot, file } = e
  const first = file?.episodes[0]
  return {
    episode_id: slot.episodeId,
    season: slot.season,
    episode: slot.episode,
    name: slot.name,
    action: e.action,
    file: file === null || first === undefined
      ? null
      : {
          path: file.path,
          file_index: file.fileIndex,
          size: file.size,
          episodes: episodeLabel(first.season, file.episodes.map((x) => x.episode)),
          confidence: file.confidence,
          reason: file.reason,
          quality: { ...file.quality }
        },
    existing: slot.active === null ? null : { assignment_id: slot.active.id, info_hash: slot.active.infoHash, file_path: slot.active.filePath },
    assignment_id: stored.get(slot.episodeId)?.id ?? null
  }
}

export function toPackJson (r: PackAssignResult): PackJson {
  const episodes = r.plan.episodes.map((e) => episodeJson(e, r.stored))
  const count = (...actions: string[]): number => episodes.filter((e) => actions.includes(e.action)).length
  return {
    show_id: r.showId,
    info_hash: r.infoHash,
    torrent_name: r.torrentName,
    season: r.season,
    dry_run: r.dryRun,
    replace: r.replace,
    episodes,
    unmatched_files: r.plan.unmatched.map((f) => ({ path: f.path, file_index: f.fileIndex, size: f.size, reason: f.reason })),
    missing_episodes: episodes.filter((e) => e.action === 'missing').map((e) => ({ episode_id: e.episode_id, season: e.season, episode: e.episode })),
    existing: episodes.filter((e) => e.existing !== null).map((e) => ({
      episode_id: e.episode_id, season: e.season, episode: e.episode, ...e.existing!, kept: e.action !== 'replace'
    })),
    stored: episodes.filter((e) => e.assignment_id !== null).map((e) => ({ episode_id: e.episode_id, assignment_id: e.assignment_id!, file_path: e.file!.path })),
    counts: {
      episodes: episodes.length,
      matched: count('assign', 'replace', 'keep', 'same'),
      stored: r.stored.size,
      kept: count('keep'),
      review: count('review'),
      missing: count('missing'),
      unmatched_files: r.plan.unmatched.length
    }
  }
}
