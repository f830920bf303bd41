// What a user pastes as a torrent reference, for an assignment: the canonical info hash plus
// the magnet to join the swarm with (src/torrent/magnet.ts parses it).
import { parseMagnet } from '../torrent/magnet.ts'

export interface TorrentRef { infoHash: string, magnetUri: string }

export function parseTorrentRef (input: string): TorrentRef {
  const { infoHash, uri } = parseMagnet(input)
  return { infoHash, magnetUri: uri }
}
