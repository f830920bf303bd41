// A torrent's pieces as one character each, and its connected peers, for the UI: what the
// Transfer (cache, wants, requests in flight) and the Swarm already know, read without side
// effects.
import { peerClient } from './peer-client.ts'
import type { Peer } from './peer.ts'
import type { PeerInfo } from './types.ts'

export interface PieceStates {
  pieceCount: number
  /** verified and held (store) or verified and being written */
  cached (piece: number): boolean
  /** kept from eviction (wanted by some source, or awaited) */
  pinned (piece: number): boolean
  /** blocks of it requested from peers */
  fetching (piece: number): boolean
}

export function pieceMap (s: PieceStates): string {
  const out = new Array<string>(s.pieceCount)
  for (let i = 0; i < s.pieceCount; i++) {
    out[i] = s.cached(i) ? (s.pinned(i) ? '2' : '1') : s.fetching(i) ? '3' : '0'
  }
  return out.join('')
}

/** Does the peer have every one of `pieceCount` pieces (false before the metadata: 0 pieces)? */
export function isSeeder (p: { has: (i: number) => boolean }, pieceCount: number): boolean {
  if (pieceCount === 0) return false
  for (let i = 0; i < pieceCount; i++) if (!p.has(i)) return false
  return true
}

export function peerInfo (p: Peer, pieceCount: number): PeerInfo {
  return {
    address: p.addr,
    client: peerClient(p.wire.peerExtendedHandshake.v, p.wire.peerId),
    downloadRate: Math.round(p.wire.downloadSpeed()),
    uploadRate: Math.round(p.wire.uploadSpeed()),
    seeder: isSeeder(p, pieceCount)
  }
}
