// API shapes of assignments and torrents, and the pure mappers from domain objects to them.
import { Type, type Static } from '@fastify/type-provider-typebox'
import type { Assignment } from '../../library/assignment-repository.ts'
import type { TorrentInfo, TorrentStats } from '../../torrent/types.ts'

export const AssignmentSchema = Type.Object({
  id: Type.Integer(),
  item_type: Type.Union([Type.Literal('movie'), Type.Literal('episode')]),
  item_id: Type.Integer(),
  info_hash: Type.String(),
  magnet_uri: Type.String(),
  file_path: Type.String(),
  file_index: Type.Integer(),
  file_size: Type.Integer(),
  resolution: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.String(), Type.Null()]),
  is_active: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' })
})
export type AssignmentDto = Static<typeof AssignmentSchema>

export function toAssignmentDto (a: Assignment): AssignmentDto {
  return {
    id: a.id,
    item_type: a.itemType,
    item_id: a.itemId,
    info_hash: a.infoHash,
    magnet_uri: a.magnetUri,
    file_path: a.filePath,
    file_index: a.fileIndex,
    file_size: a.fileSize,
    resolution: a.resolution,
    source: a.source,
    is_active: a.isActive,
    created_at: a.createdAt.toISOString()
  }
}

export const TorrentFileSchema = Type.Object({ index: Type.Integer(), path: Type.String(), size: Type.Integer() })

export const TorrentSummarySchema = Type.Object({
  info_hash: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  state: Type.String(),
  progress: Type.Number(),
  piece_count: Type.Integer(),
  piece_length: Type.Integer(),
  pieces_cached: Type.Integer(),
  peers: Type.Integer(),
  seeders: Type.Integer(),
  known_peers: Type.Integer(),
  download_rate: Type.Number(),
  upload_rate: Type.Number(),
  downloaded: Type.Number(),
  uploaded: Type.Number(),
  cache_bytes: Type.Number(),
  idle: Type.Boolean(),
  added_at: Type.String(),
  last_activity: Type.Union([Type.String(), Type.Null()]),
  assignments: Type.Integer({ description: 'active library assignments using this torrent' })
})

export const TorrentDetailSchema = Type.Object({
  ...TorrentSummarySchema.properties,
  length: Type.Integer(),
  files: Type.Array(TorrentFileSchema),
  used_by: Type.Array(Type.Object({ item_type: Type.String(), item_id: Type.Integer(), file_path: Type.String() }))
})

export function toTorrentSummary (s: TorrentStats, assignments: number): Static<typeof TorrentSummarySchema> {
  return {
    info_hash: s.infoHash,
    name: s.name,
    state: s.state,
    progress: s.progress,
    piece_count: s.pieceCount,
    piece_length: s.pieceLength,
    pieces_cached: s.piecesCached,
    peers: s.peers,
    seeders: s.seeders,
    known_peers: s.knownPeers,
    download_rate: s.downloadRate,
    upload_rate: s.uploadRate,
    downloaded: s.downloaded,
    uploaded: s.uploaded,
    cache_bytes: s.cacheBytes,
    idle: s.state === 'idle' || s.state === 'paused',
    added_at: s.addedAt.toISOString(),
    last_activity: s.lastActivity === null ? null : s.lastActivity.toISOString(),
    assignments
  }
}

export function toTorrentFiles (info: TorrentInfo): Array<Static<typeof TorrentFileSchema>> {
  return info.files.map((f) => ({ index: f.index, path: f.path, size: f.length }))
}
