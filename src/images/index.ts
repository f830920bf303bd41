// Builds the image service from the config: the disk cache sits in a folder beside the
// database (<dirname(database.path)>/images), bounded to CACHE_BYTES; TMDB's base URL is
// cached for a day.
import { dirname, join } from 'node:path'
import type { Config } from '../config/schema.ts'
import type { Logger } from '../logger.ts'
import type { TmdbClient } from '../tmdb/client.ts'
import { ImageBaseUrl } from './base-url.ts'
import { ImageDiskCache } from './disk-cache.ts'
import { ImageService } from './service.ts'

export { ImageService } from './service.ts'

/** Posters of a large library at the grid's sizes, with room to spare. */
const CACHE_BYTES = 200 * 1024 * 1024
const DAY_MS = 24 * 60 * 60 * 1000
/** with TMDB unreachable and no base URL known, images are placeholders at once for this long */
const RETRY_MS = 30_000

/** The image cache folder: beside the database, or beside the piece cache for an in-memory database. */
export function imagesFolder (config: Readonly<Config>): string {
  const anchor = config.database.path === ':memory:' ? config.torrent.cache_folder : config.database.path
  return join(dirname(anchor), 'images')
}

export function createImages (config: Readonly<Config>, deps: { tmdb: Pick<TmdbClient, 'configured' | 'imageBaseUrl'>, logger: Logger, fetch?: typeof fetch | undefined }): ImageService {
  return new ImageService({
    configured: deps.tmdb.configured,
    baseUrl: new ImageBaseUrl(async () => await deps.tmdb.imageBaseUrl(), { ttlMs: DAY_MS, retryMs: RETRY_MS }),
    cache: new ImageDiskCache(imagesFolder(config), CACHE_BYTES, deps.logger),
    timeoutMs: config.tmdb.timeout * 1000,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    log: deps.logger
  })
}
