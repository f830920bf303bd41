// TorrentStats of one torrent, from what its session holds.
import type { PieceStore } from './piece-store.ts'
import { isSeeder } from './piece-map.ts'
import type { Swarm } from './swarm.ts'
import type { TorrentInfo, TorrentState, TorrentStats } from './types.ts'

export interface StatsInput {
  infoHash: string
  state: TorrentState
  /** null before the metadata */
  info: TorrentInfo | null
  store: PieceStore | null
  swarm: Pick<Swarm, 'peers' | 'knownCount' | 'downRate' | 'upRate' | 'downloaded' | 'useful' | 'uploaded'>
  addedAt: Date
  lastActivity: Date | null
  ticks: number
}

export function torrentStats ({ infoHash, state, info, store, swarm, addedAt, lastActivity, ticks }: StatsInput): TorrentStats {
  const have = store?.have.count() ?? 0
  let peers = 0
  let seeders = 0
  for (const p of swarm.peers) {
    if (!p.ready) continue
    peers++
    if (info !== null && isSeeder(p, info.pieceCount)) seeders++
  }
  return {
    infoHash,
    name: info?.name ?? null,
    state,
    progress: info === null ? 0 : have / info.pieceCount,
    pieceCount: info?.pieceCount ?? 0,
    pieceLength: info?.pieceLength ?? 0,
    piecesCached: have,
    peers,
    seeders,
    knownPeers: swarm.knownCount(),
    downloadRate: Math.round(swarm.downRate),
    uploadRate: Math.round(swarm.upRate),
    downloaded: swarm.downloaded,
    wasted: Math.max(0, swarm.downloaded - swarm.useful),
    uploaded: swarm.uploaded,
    cacheBytes: store?.bytes ?? 0,
    addedAt,
    lastActivity,
    ticks
  }
}
