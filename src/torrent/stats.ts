// TorrentStats of one session.
import type { Peer } from './peer.ts'
import type { TorrentSession } from './session.ts'
import type { TorrentStats } from './types.ts'

export function sessionStats (s: TorrentSession): TorrentStats {
  const info = s.meta?.info
  const have = s.transfer?.store.have.count() ?? 0
  let peers = 0
  let seeders = 0
  for (const p of s.peers) {
    if (!p.ready) continue
    peers++
    if (info !== undefined && isSeeder(p, info.pieceCount)) seeders++
  }
  return {
    infoHash: s.infoHash,
    name: info?.name ?? null,
    state: s.state,
    progress: info === undefined ? 0 : have / info.pieceCount,
    pieceCount: info?.pieceCount ?? 0,
    pieceLength: info?.pieceLength ?? 0,
    piecesCached: have,
    peers,
    seeders,
    knownPeers: s.knownCount(),
    downloadRate: Math.round(s.downRate),
    uploadRate: Math.round(s.upRate),
    downloaded: s.downloaded,
    wasted: Math.max(0, s.downloaded - s.useful),
    uploaded: s.uploaded,
    cacheBytes: s.transfer?.store.bytes ?? 0,
    addedAt: s.addedAt,
    lastActivity: s.ctx.activity.lastActivity(s.infoHash)
  }
}

function isSeeder (p: Peer, n: number): boolean {
  for (let i = 0; i < n; i++) if (!p.has(i)) return false
  return true
}
