// API shapes of assignments and torrents, and the pure mappers from torrents to them (an
// assignment's mapper is assignments/mapper.ts).
import { Type, type Static } from '@fastify/type-provider-typebox'
import type { PeerInfo, TorrentInfo, TorrentStats } from '../../torrent/types.ts'
import type { TorrentStreaming } from '../../streaming/file-streams.ts'
import { fileKinds } from '../../assignments/file-kinds.ts'

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
/** An item's active assignment inside the movie or episode (GET /api/movies/:id, a show's episodes). */
export const ItemAssignmentSchema = Type.Omit(AssignmentSchema, ['item_type', 'item_id', 'is_active'])

export const TorrentFileSchema = Type.Object({
  index: Type.Integer(),
  path: Type.String(),
  size: Type.Integer(),
  kind: Type.Union([Type.Literal('video'), Type.Literal('subtitle'), Type.Literal('sample'), Type.Literal('other')], {
    description: 'video: a feature or episode; sample: a sample, trailer or extra; subtitle; other'
  })
})

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
  downloaded: Type.Number({ description: 'piece payload received from peers' }),
  wasted: Type.Number({ description: 'of downloaded, bytes that did not end up in a verified piece (duplicates, abandoned pieces never completed, failed hashes)' }),
  uploaded: Type.Number(),
  cache_bytes: Type.Number(),
  idle: Type.Boolean(),
  added_at: Type.String(),
  last_activity: Type.Union([Type.String(), Type.Null()]),
  assignments: Type.Integer({ description: 'active library assignments using this torrent' })
})

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

/** Streaming figures per file that was opened, read or pinned since start. */
export const StreamingFileSchema = Type.Object({
  file_index: Type.Integer(),
  reads: Type.Integer({ description: 'reads delivered or failed (aborted reads not counted)' }),
  bytes: Type.Number(),
  errors: Type.Integer(),
  p50_ms: Nullable(Type.Number({ description: 'median read latency over the recent reads' })),
  p99_ms: Nullable(Type.Number()),
  stalls: Type.Integer({ description: 'reads that waited more than 1 s' }),
  opens: Type.Integer({ description: 'cold opens (no state kept for the file)' }),
  reopens: Type.Integer({ description: 'opens that found the state of an open handle or of one closed within handle_grace' }),
  layout_probes: Type.Integer({ description: 'container layouts located by reading the file (cache hits excluded)' }),
  open_handles: Type.Integer(),
  parked_readers: Type.Integer({ description: 'readers of closed handles kept for a reopen' }),
  layout: Nullable(Type.Object({
    format: Type.String(),
    media_offset: Nullable(Type.Number()),
    ranges: Type.Array(Type.Object({ offset: Type.Number(), length: Type.Number(), reasons: Type.Array(Type.String()) }))
  })),
  index_ready_ms: Nullable(Type.Number({ description: 'first open until the header and index ranges were cached' })),
  pinned_bytes: Type.Number({ description: 'head/tail/index bytes pinned in the cache while the file is assigned' })
})

export const StreamingSchema = Type.Object({
  files: Type.Array(StreamingFileSchema),
  recent_stalls: Type.Array(Type.Object({ file_index: Type.Integer(), piece_index: Type.Integer(), peers: Type.Integer(), waited_ms: Type.Number(), at: Type.String() })),
  next_episode_warmups: Type.Array(Type.Object({ assignment_id: Type.Integer(), file_index: Type.Integer() }))
})

/** A connected peer of a torrent (its detail). */
export const PeerSchema = Type.Object({
  address: Type.String({ description: 'ip:port of the connection' }),
  client: Type.Union([Type.String(), Type.Null()], { description: 'its client software (extended handshake, else peer id prefix), null when unknown' }),
  download_rate: Type.Number({ description: 'bytes/s received from it over the last few seconds' }),
  upload_rate: Type.Number({ description: 'bytes/s sent to it' }),
  seeder: Type.Boolean({ description: 'it has every piece' })
})

export const TorrentDetailSchema = Type.Object({
  ...TorrentSummarySchema.properties,
  // the list's count of connected peers becomes the peers themselves here (their number is peers.length)
  peers: Type.Array(PeerSchema, { description: 'connected peers' }),
  length: Type.Integer(),
  files: Type.Array(TorrentFileSchema),
  used_by: Type.Array(Type.Object({
    item_type: Type.String(),
    item_id: Type.Integer(),
    file_path: Type.String(),
    title: Type.Optional(Type.String({ description: 'the item in words: "Fight Club (1999)", "Dark S01E02"' })),
    show_id: Type.Optional(Type.Integer({ description: 'an episode\'s show' })),
    season: Type.Optional(Type.Integer({ description: 'an episode\'s season number' }))
  })),
  streaming: Type.Optional(StreamingSchema)
})

const round = (ms: number | null): number | null => ms === null ? null : Math.round(ms * 10) / 10

export function toStreamingDto (s: TorrentStreaming): Static<typeof StreamingSchema> {
  return {
    files: s.files.map((f) => ({
      file_index: f.fileIndex,
      reads: f.counters?.reads ?? 0,
      bytes: f.counters?.bytes ?? 0,
      errors: f.counters?.errors ?? 0,
      p50_ms: round(f.p50),
      p99_ms: round(f.p99),
      stalls: f.counters?.stalls ?? 0,
      opens: f.counters?.opens ?? 0,
      reopens: f.counters?.reopens ?? 0,
      layout_probes: f.counters?.layoutProbes ?? 0,
      open_handles: f.openHandles,
      parked_readers: f.parkedReaders,
      layout: f.layout === null
        ? null
        : { format: f.layout.format, media_offset: f.layout.mediaOffset, ranges: f.layout.ranges.map((r) => ({ offset: r.offset, length: r.length, reasons: [...r.reasons] })) },
      index_ready_ms: round(f.indexReadyMs),
      pinned_bytes: f.pinnedBytes
    })),
    recent_stalls: s.recentStalls.map((st) => ({
      file_index: Number(st.key.slice(st.key.lastIndexOf(':') + 1)),
      piece_index: st.pieceIndex,
      peers: st.peers,
      waited_ms: Math.round(st.waitedMs),
      at: new Date(st.at).toISOString()
    })),
    next_episode_warmups: s.warmups.map((w) => ({ assignment_id: w.assignmentId, file_index: w.fileIndex }))
  }
}

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
    wasted: s.wasted,
    uploaded: s.uploaded,
    cache_bytes: s.cacheBytes,
    idle: s.state === 'idle' || s.state === 'paused',
    added_at: s.addedAt.toISOString(),
    last_activity: s.lastActivity === null ? null : s.lastActivity.toISOString(),
    assignments
  }
}

export function toPeers (peers: PeerInfo[]): Array<Static<typeof PeerSchema>> {
  return peers.map((p) => ({ address: p.address, client: p.client, download_rate: p.downloadRate, upload_rate: p.uploadRate, seeder: p.seeder }))
}

export function toTorrentFiles (info: TorrentInfo): Array<Static<typeof TorrentFileSchema>> {
  const kinds = fileKinds(info.files)
  return info.files.map((f, i) => ({ index: f.index, path: f.path, size: f.length, kind: kinds[i]! }))
}
