// STUB — replaced by the torrent service (issue 3).
import type { Config } from '../config/schema.ts'
import type { Logger } from '../logger.ts'
import type { TorrentService } from './types.ts'

export async function createTorrentService (cfg: Readonly<Config['torrent']>, _log: Logger): Promise<TorrentService> {
  const limit = cfg.global_cache_size * 1024 * 1024
  return {
    addTorrent: async () => { throw new Error('not implemented') },
    getTorrent: () => undefined,
    getOrAddTorrent: async () => { throw new Error('not implemented') },
    removeTorrent: async () => {},
    listTorrents: () => [],
    cacheUsage: () => ({ used: 0, limit }),
    close: async () => {}
  }
}
