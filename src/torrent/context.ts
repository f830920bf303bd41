// What every session shares: configuration, our peer id, the network, the piece cache,
// persistence, activity tracking, the global rate limits and the global reader count.
import type { Config } from '../config/schema.ts'
import type { Logger } from '../logger.ts'
import type { ActivityManager } from './activity.ts'
import type { Network } from './network.ts'
import type { Persistence } from './persistence.ts'
import type { PieceCache } from './piece-cache.ts'
import type { PiecePool } from './piece-pool.ts'
import type { TokenBucket } from './rate-limit.ts'

export interface EngineContext {
  cfg: Readonly<Config['torrent']>
  log: Logger
  peerId: Buffer
  network: Network
  cache: PieceCache
  /** piece memory reused across torrents (piece-pool.ts) */
  pool: PiecePool
  persistence: Persistence
  activity: ActivityManager
  down: TokenBucket
  up: TokenBucket
  /** FileReaders open across all torrents (their windows share the cache budget) */
  readers: Set<unknown>
}
