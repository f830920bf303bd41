// The shapes of the live swarm health probe (issue 13, item 3): its settings, what the DHT
// must offer it, and what one check answers per magnet.

/** One tracker's answer for the probed hash. */
export interface TrackerHealth {
  url: string
  /** the tracker answered the scrape or the announce */
  ok: boolean
  /** complete peers it counts (scrape; or the announce's own count) */
  seeders?: number
  /** incomplete peers it counts, this probe's own announce not included */
  leechers?: number
  /** why it did not answer (timeout, failure reason, refused connection, ...) */
  error?: string
}

export interface HealthResult {
  infoHash: string
  /** distinct peer addresses learned (trackers, DHT, the magnet's x.pe hints) */
  peersFound: number
  /** peers that completed the BitTorrent handshake with the probe */
  peersReached: number
  /** reached peers with every piece: a complete bitfield (once the piece count is known) or HAVE_ALL */
  seeders: number
  /**
   * reached peers known to lack a piece. seeders + leechers <= peersReached: without the
   * metadata a bitfield that might be complete is neither, and a peer that broke the
   * protocol is not counted
   */
  leechers: number
  /** the info dictionary arrived (ut_metadata) and hashed to the info hash */
  metadata: boolean
  name?: string
  /** total bytes */
  size?: number
  files?: number
  trackers: TrackerHealth[]
  /** how long the probe ran */
  ms: number
  /** when the probe ended (ISO 8601) */
  checkedAt: string
  /** the result comes from the cache (an earlier probe within cacheTtlMs) */
  cached: boolean
  /** why the swarm could not be probed at all (nowhere to look for peers) */
  error?: string
}

/** A DHT peer as bittorrent-dht reports it. */
export interface DhtPeer { host: string, port: number }

/** What the probe needs of a DHT node (bittorrent-dht's Client): get_peers lookups, never announces. */
export interface HealthDht {
  /** starts a get_peers lookup; `cb` when it ends; returns a function that stops it */
  lookup (infoHash: string, cb?: (err?: Error | null) => void): () => void
  on (event: 'peer', listener: (peer: DhtPeer, infoHash: Uint8Array) => void): unknown
  off (event: 'peer', listener: (peer: DhtPeer, infoHash: Uint8Array) => void): unknown
}

export interface SwarmHealthSettings {
  /** the longest one swarm is probed (releases.health_timeout * 1000); a check may ask for less */
  timeoutMs: number
  /** results are reused this long (ms) */
  cacheTtlMs: number
  /** swarms probed at once; further ones wait their turn */
  maxConcurrent: number
  /** connections open at once per swarm */
  maxPeersPerSwarm: number
  /** the probe ends early once the metadata is in and this many peers were reached */
  enoughPeers: number
  /** extra announce URLs (torrent.trackers), after the magnet's own */
  trackers: readonly string[]
  /** torrent.max_trackers: announce URLs contacted per swarm */
  maxTrackers: number
  /** the engine's DHT node, or null when DHT is off */
  dht: HealthDht | null
  /** torrent.encryption; default 'allow' (plaintext first, MSE/PE when a peer drops us) */
  encryption?: 'allow' | 'require' | 'disable'
  /** 20 bytes; default a fresh momoshtrem id. The engine's id keeps the probe from counting the engine itself */
  peerId?: Buffer
  /** the port announced to trackers (the engine's listen port); default 6881. The probe itself never listens */
  port?: number
  /** results kept at most (oldest dropped first); default 1000 */
  maxCached?: number
  /** the clock for cache ages (tests); default Date.now */
  now?: () => number
}
